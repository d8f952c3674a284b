"""Hand-picked odd inputs on every operation of the live /openapi.json: what random generation rarely hits.

NUL characters, astral-plane and right-to-left text, huge numbers, dot segments and long strings in
every path and query parameter; malformed, truncated, too-deep, non-UTF-8 and wrongly-typed bodies;
absurd credentials. Each answer must be documented for its operation, never a 5xx, and every 4xx a
problem+json.
"""

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from devstack.pytest_plugin import RunningSystem
from tests.fuzz.callers import Caller
from tests.fuzz.problem_json import problem_failure

pytestmark = pytest.mark.fuzz

ODD_TEXT = [
    "\x00",
    "a\x00b",
    "𝕰𝖋𝖕 \u202e\u200b\ufeff",
    "9" * 400,
    "-1",
    "1e400",
    "..",
    "%2e%2e%2f",
    " ",
    "x" * 3000,
    "\ud800",  # a lone surrogate: not even encodable as UTF-8
]
ODD_BODIES: list[tuple[str | None, bytes]] = [
    ("application/json", b'{"'),
    ("application/json", b"\xff\xfe\x00{}"),
    ("application/json", b"[" * 30000),
    ("application/json", b'{"a":' * 5000 + b"1" + b"}" * 5000),
    ("application/json", b"null"),
    ("application/json", b"1e400"),
    ("application/json", b'"\\u0000"'),
    ("application/json", b"[]"),
    (
        "application/json",
        b'{"\\u0000": "\\u0000", "accept": true, "siret": "\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000"}',
    ),
    (
        "application/json",
        b'{"email": "\\ud800@x.fr", "code": "\\ud800", "siret": "\\ud800\\ud800\\ud800\\ud800\\ud800\\ud800\\ud800"}',
    ),
    ("text/plain", b'{"accept": true}'),
    ("application/x-www-form-urlencoded", b"accept=true"),
    ("multipart/form-data; boundary=x", b"--x--"),
    ("application/json; charset=latin-1", b'{"name": "\xe9"}'),
    (None, b'{"accept": true}'),
]
# Credentials and headers no browser or system would send.
ODD_HEADERS: list[dict[str, bytes]] = [
    {"cookie": b"efp_session=" + b"x" * 4000},
    {"cookie": b'efp_session=%00; efp_session=""'},
    {"cookie": "efp_session=é".encode()},
    {"authorization": b"Bearer " + b"x" * 4000},
    {"authorization": b"Bearer"},
    {"authorization": b"Basic Zm9vOmJhcg=="},
    {"authorization": "Bearer \u00e9\u00e9".encode()},
    {"x-csrf-token": "é\u202e".encode()},
    {"x-correlation-id": b"x" * 5000},
    {"accept": b"application/xml"},
]


def _url(template: str, path_values: dict[str, bytes], query: list[tuple[str, bytes]] | None = None) -> str:
    """Built by hand: httpx would refuse to encode a lone surrogate, and the point is to send one."""

    def encode(match: re.Match[str]) -> str:
        # Dots too: a client resolves a bare `..` segment before sending, and would test another route.
        return quote(path_values.get(match.group(1), b"1"), safe="").replace(".", "%2E")

    path = re.sub(r"{(\w+)}", encode, template)
    return path + ("?" + "&".join(f"{quote(n)}={quote(v, safe='')}" for n, v in query) if query else "")


def _requests(path: str, method: str, operation: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The odd requests for one operation, as keyword arguments of `httpx.Client.request`."""
    names = re.findall(r"{(\w+)}", path)
    queries = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    for text in ODD_TEXT:
        raw = text.encode("utf-8", "surrogatepass")
        for name in names:
            yield {"url": _url(path, {name: raw})}
        for name in queries:
            yield {"url": _url(path, {}, [(name, raw)])}
    yield {"url": _url(path, {}, [(name, b"a") for name in queries for _ in range(3)] or [("zz", b"\x00")])}
    for headers in ODD_HEADERS:
        yield {"url": _url(path, {}), "headers": headers}
    if "requestBody" in operation or method in ("POST", "PUT", "PATCH"):
        for content_type, body in ODD_BODIES:
            headers = {"content-type": content_type} if content_type else {}
            yield {"url": _url(path, {}), "content": body, "headers": headers}


def test_odd_inputs_on_every_operation(
    system: RunningSystem, callers: list[Caller], capsys: pytest.CaptureFixture[str]
) -> None:
    callers = [c for c in callers if c.name in ("anonymous", "manager", "other system")]
    document = httpx.get(f"{system.gateway_url}/openapi.json").json()
    statuses: Counter[int] = Counter()
    failures: dict[str, str] = {}
    for caller in callers:
        with httpx.Client(base_url=system.gateway_url, headers=caller.headers, cookies=caller.cookies) as http:
            for path, operations in document["paths"].items():
                for method, operation in operations.items():
                    if (method.upper(), path) in (("DELETE", "/api/v1/session"), ("DELETE", "/api/v1/session/others")):
                        continue  # would end the caller's session, or its account's others, for what follows
                    for request in _requests(path, method.upper(), operation):
                        response = http.request(method.upper(), timeout=20, **request)
                        statuses[response.status_code] += 1
                        where = f"{caller.name} {method.upper()} {path}"
                        why = _failure(response, operation, path)
                        if why:
                            failures.setdefault(f"{where}: {why}", f"{request!r:.300} -> {response.text[:300]}")
    with capsys.disabled():
        print(
            f"\nodd inputs: {sum(statuses.values())} requests; "
            + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))
        )
    assert not failures, "\n".join(f"== {key}\n{message}" for key, message in failures.items())


def _failure(response: httpx.Response, operation: dict[str, Any], path: str) -> str | None:
    if response.status_code >= 500:
        return f"server error {response.status_code}"
    if str(response.status_code) not in operation["responses"]:
        return f"undocumented status {response.status_code}"
    if 400 <= response.status_code < 500:
        content_type = response.headers.get("content-type", "")
        return problem_failure(response.status_code, content_type, response.content, path)
    return None
