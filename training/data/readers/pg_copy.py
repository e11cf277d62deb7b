"""PostgreSQL's COPY text format, as `pg_dump` writes table data: one row a line, tab between columns.

Inside a column a backslash starts an escape: `\\b \\f \\n \\r \\t \\v`, `\\\\` for a backslash, `\\NNN` octal
(1-3 digits), `\\xHH` hex (1-2 digits), any other `\\c` stands for `c`; a column that is exactly `\\N` is NULL.
A line `\\.` ends the data (https://www.postgresql.org/docs/current/sql-copy.html, "Text Format").
"""

from __future__ import annotations

import re

END_OF_DATA = "\\."

_SIMPLE_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))", re.DOTALL)
_COPY_HEADER = re.compile(
    r'^COPY\s+(?:"?[\w$]+"?\.)?"?(?P<table>[\w$]+)"?\s*\((?P<columns>[^)]*)\)\s+FROM\s+stdin\s*;', re.IGNORECASE
)


def parse_copy_header(line: str) -> tuple[str, list[str]] | None:
    """(table, column names) for a `COPY table (a, b) FROM stdin;` line, else None."""
    match = _COPY_HEADER.match(line)
    if match is None:
        return None
    columns = [name.strip().strip('"') for name in match.group("columns").split(",")]
    return match.group("table"), columns


def split_copy_row(line: str) -> list[str | None]:
    """The columns of one data line (without its newline), unescaped; None for NULL."""
    return [None if column == "\\N" else unescape(column) for column in line.split("\t")]


def unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _unescape_bytes(text)


def _unescape_bytes(text: str) -> str:
    out = bytearray()
    position = 0
    for match in _ESCAPE.finditer(text):
        out += text[position : match.start()].encode()
        octal, hexadecimal, other = match.groups()
        if octal is not None:
            out.append(int(octal, 8) & 0xFF)
        elif hexadecimal is not None:
            out.append(int(hexadecimal, 16))
        else:
            out += _SIMPLE_ESCAPES.get(other, other).encode()
        position = match.end()
    out += text[position:].encode()
    return out.decode("utf-8", errors="replace")
