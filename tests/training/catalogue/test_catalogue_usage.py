"""Counting command usage in LaTeX sources (training/catalogue/usage.py) on small texts written here."""

from __future__ import annotations

import gzip
from pathlib import Path

from training.catalogue.usage import CorpusCounts, count_corpus, tex_files


def counted(*texts: str, presence: bool = False) -> CorpusCounts:
    counts = CorpusCounts(presence=presence)
    for text in texts:
        counts.add(text)
    return counts


def test_usage_command_counts_whole_names_only():
    counts = counted(r"$a \to b$, $\top$, $x\to\infty$, \toprule")
    assert counts.count("\\to") == 2
    assert counts.count("\\top") == 1
    assert counts.count("\\infty") == 1


def test_usage_command_with_argument_counts_braced_and_bare_forms():
    counts = counted(r"$\mathbb{R} \mathbb R \mathbb { R } \mathbb{Q} \mathbb RR$")
    assert counts.count("\\mathbb{R}") == 3
    assert counts.count("\\mathbb{Q}") == 1


def test_usage_characters_count_in_math_only_and_not_inside_words_or_labels():
    text = "Some prose with x.\n\\begin{equation}\\label{eq:xx} x + y = \\text{xx} \\alpha \\end{equation}\n$x$"
    counts = counted(text)
    assert counts.count("x") == 2
    assert counts.count("+") == 1
    assert counts.count("a") == 0  # neither the a of \\alpha nor the prose


def test_usage_line_break_and_stray_dollar_are_not_math():
    counts = counted("a line\\\\[2pt] next x line\n\nUS$ 5 and x\n\nmore $ signs")
    assert counts.count("x") == 0


def test_usage_comments_are_dropped_but_escaped_percent_is_not_a_comment():
    counts = counted("$\\alpha$ % $\\beta$\n50\\% $\\gamma$")
    assert (counts.count("\\alpha"), counts.count("\\beta"), counts.count("\\gamma")) == (1, 0, 1)
    assert counts.count("\\%") == 1


def test_usage_control_symbols_sqrt_and_literal_commands():
    counts = counted("$\\{ x \\} \\| \\sqrt{2} \\sqrt[3]{x} \\not\\sim$")
    assert counts.count("\\{") == 1 and counts.count("\\|") == 1
    assert counts.count("\\sqrt{}") == 2
    assert counts.count("\\not\\sim") == 1


def test_usage_presence_counts_files_not_occurrences():
    counts = counted("$\\alpha \\alpha \\alpha$", "$\\alpha$", "$\\beta$", presence=True)
    assert counts.count("\\alpha") == 2
    assert counts.files == 3


def test_usage_count_corpus_reads_gzip_and_counts_a_copy_once(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.tex").write_text("$\\alpha$ % comment", encoding="utf-8")
    (tmp_path / "b.tex.gz").write_bytes(gzip.compress(b"$\\alpha \\beta$"))
    (tmp_path / "copy.tex").write_text("$\\alpha$ % another comment", encoding="utf-8")  # same text less comments
    (tmp_path / "notes.txt").write_text("$\\alpha$", encoding="utf-8")
    files = list(tex_files(tmp_path))
    assert [p.name for p in files] == ["one.tex", "b.tex.gz", "copy.tex"]
    occurrences, documents = count_corpus(files)
    assert documents.files == 2
    assert documents.count("\\alpha") == 2 and occurrences.count("\\beta") == 1
