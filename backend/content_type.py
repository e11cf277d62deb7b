"""`415 Unsupported Media Type` for a JSON endpoint posted anything but `application/json`.

The handlers parse their bodies with orjson whatever the header says; without this check a body sent as
`text/plain` (or a form) would be accepted, and a client bug would go unnoticed until another server refused
it. The check runs before the body is read. `application/json; charset=utf-8` is JSON too.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from backend.errors import error_response

JSON = "application/json"


class JsonOnlyMiddleware:
    """Refuses POSTs to `paths` whose Content-Type is not application/json (415, in the API's error shape)."""

    def __init__(self, app: Any, paths: Collection[str]) -> None:
        self.app = app
        self.paths = frozenset(paths)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] in self.paths:
            content_type = next((value for name, value in scope["headers"] if name == b"content-type"), b"")
            media_type = content_type.decode("latin-1").split(";", 1)[0].strip().lower()
            if media_type != JSON:
                shown = media_type or "no Content-Type"
                response = error_response(
                    415,
                    ["header", "Content-Type"],
                    f"must be {JSON} (got {shown}): the body is a JSON object",
                    "unsupported_media_type",
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
