"""Property-based fuzzing of POST /predict: thousands of generated bodies, valid and broken, never a 5xx.

Runs over real HTTP (the server in a subprocess, one keep-alive connection) against the shipped model when
it exists, else the fixture model: the parser and limits under test do not depend on the weights.
"""

import httpx
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.api_schema import ErrorResponse, PredictResponse
from tests.backend.live_server import SHIPPED_MODEL_DIR, live_server, shipped_model_present
from tests.backend.model_fixtures import write_model_dir

numbers = st.one_of(
    st.integers(min_value=-(10**9), max_value=10**9),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.floats(min_value=-1e4, max_value=1e4),
    # Edges of the coordinate range and of double precision (subnormal extents overflow a naive scale).
    st.sampled_from([0, 5e-324, -5e-324, 1e-310, 1e7, -1e7, 1e7 + 1, 2**53]),
)
points = st.lists(numbers, min_size=2, max_size=3)
strokes = st.lists(st.lists(points, min_size=1, max_size=12), min_size=1, max_size=4)
json_values = st.recursive(
    st.none() | st.booleans() | numbers | st.text(max_size=5),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=12,
)
k_values = st.one_of(st.integers(min_value=-3, max_value=25), json_values)


@st.composite
def bodies(draw):
    """Mostly well-formed requests with one part possibly replaced by anything JSON can hold."""
    kind = draw(st.sampled_from(["valid", "bad_k", "bad_strokes", "bad_point", "anything", "bytes", "nan"]))
    body = {"strokes": draw(strokes)}
    if draw(st.booleans()):
        body["k"] = draw(st.integers(min_value=1, max_value=20))
    if kind == "bad_k":
        body["k"] = draw(k_values)
    elif kind == "bad_strokes":
        body["strokes"] = draw(json_values)
    elif kind == "bad_point":
        stroke = draw(st.integers(0, len(body["strokes"]) - 1))
        body["strokes"][stroke].insert(0, draw(json_values))
    elif kind == "anything":
        return orjson.dumps(draw(json_values))
    elif kind == "bytes":
        return draw(st.binary(max_size=200))
    elif kind == "nan":
        return orjson.dumps(body).replace(b"]", b", NaN]", 1)
    return orjson.dumps(body)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    model_dir = SHIPPED_MODEL_DIR if shipped_model_present() else write_model_dir(tmp_path_factory.mktemp("fuzz"))
    with (
        live_server(model_dir, env={"TEXSKETCH_MAX_POINTS": "150"}) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        yield client


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies())
def test_predict_fuzz_never_fails_with_5xx(client, body):
    response = client.post("/predict", content=body, headers={"content-type": "application/json"})
    assert response.status_code in (200, 413, 422), (response.status_code, body[:200], response.text[:300])
    if response.status_code == 200:
        answer = PredictResponse.model_validate(response.json())
        requested = orjson.loads(body).get("k", 5)
        assert len(answer.predictions) == min(requested, response_label_count(client))
    else:
        detail = ErrorResponse.model_validate(response.json()).detail
        assert detail[0].msg


def response_label_count(client, cache={}):  # noqa: B006 - a cache that lives as long as the module's client
    if client not in cache:
        cache[client] = client.get("/health").json()["labels"]
    return cache[client]
