"""Requests generated from the server's own OpenAPI schema by Schemathesis, valid and invalid, sent
to a real ``pinzhu serve`` on loopback: none may get a 500, and every error has the API's one shape.
``PINZHU_FUZZ_EXAMPLES`` sets the examples per operation and mode (default 40: about two minutes on
2 cores). Schemathesis's strategies are driven by Hypothesis directly (its pytest plugin does not
run under pytest 9)."""

from __future__ import annotations

import os

import pytest
from servers import start_server, stop_server

pytest.importorskip("fastapi")
schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402

from pinzhu.server import create_app  # noqa: E402

EXAMPLES = int(os.environ.get("PINZHU_FUZZ_EXAMPLES", "40"))
# The schema the server publishes (the same app object it serves; checked against /openapi.json below).
SCHEMA = schemathesis.openapi.from_dict(create_app().openapi())
OPERATIONS = {r.ok().label: r.ok() for r in SCHEMA.get_all_operations()}
MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]


@pytest.fixture(scope="module")
def base():
    proc, url = start_server("--workers", "2", "--timeout", "30")
    yield url
    stop_server(proc)


def test_the_schema_fuzzed_is_the_one_served(base):
    import json
    import urllib.request

    with urllib.request.urlopen(base + "/openapi.json") as r:
        assert json.load(r) == create_app().openapi()


# Invalid requests only where a request has something to get wrong (GET /health takes nothing).
CASES = [(label, mode) for label in sorted(OPERATIONS) for mode in MODES
         if mode is MODES[0] or label.startswith("POST")]


@pytest.mark.parametrize("label,mode", CASES, ids=[f"{label}-{mode.value}" for label, mode in CASES])
def test_no_500_for_any_generated_request(base, label, mode):
    strategy = OPERATIONS[label].as_strategy(generation_mode=mode)

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        response = case.call(base_url=base, timeout=60)
        body = case.body if isinstance(case.body, (dict, list, str, int, float, type(None))) else "<bytes>"
        assert response.status_code < 500, (label, str(body)[:300], response.text[:500])
        if response.status_code >= 400:
            error = response.json()["error"]
            assert set(error) == {"code", "message", "field"} and error["message"], error

    check()
