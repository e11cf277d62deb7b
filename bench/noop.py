"""`POST /bench/noop` (only with `bench_endpoints`): the baseline `make bench` compares /predict with.

It receives and parses the same stroke JSON and answers a constant, through the same middleware, so
real/no-op shows what rendering, inference and ranking add to the cost of HTTP and JSON alone.
"""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

router = APIRouter(include_in_schema=False)

_ANSWER = orjson.dumps({"predictions": [], "model": {"version": "noop", "sha256": ""}})


@router.post("/bench/noop")
async def noop(request: Request) -> Response:
    orjson.loads(await request.body())
    return Response(_ANSWER, media_type="application/json")
