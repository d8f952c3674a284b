"""Schemathesis over every operation of the gateway's live /openapi.json, as each kind of caller.

For each operation and caller, Hypothesis generates valid and invalid requests (derandomized: the
same cases on every run) and sends them to the running system. Every answer must be documented
(status, media type, body schema), none may be a 5xx, and every 4xx must be a problem+json.
"""

import contextlib
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from devstack.pytest_plugin import RunningSystem
from tests.fuzz.callers import Caller
from tests.fuzz.problem_json import problem_failure

pytestmark = pytest.mark.fuzz
Operation = schemathesis.APIOperation[Any, Any, Any, Any]

# Cases per operation, caller and generation mode. With ~50 operations and 5 callers, about
# 2,000 requests in well under five minutes on a 2-core machine.
EXAMPLES = {GenerationMode.POSITIVE: 4, GenerationMode.NEGATIVE: 4}
KNOWN_EXAMPLES = 3
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# `DELETE /session` ends the caller's session: fuzzed last, so the other operations run logged in.
LAST = ("DELETE", "/api/v1/session")
# « Se déconnecter de mes autres sessions » would end the sessions other tests keep for the same
# accounts (the bootstrap agent's, tests/e2e/access.py): tested in tests/security/test_sessions.py.
NOT_FUZZED = {("DELETE", "/api/v1/session/others")}


@dataclass
class Tally:
    """What the run saw: cases per status and caller, and each distinct failure once."""

    statuses: Counter[int] = field(default_factory=Counter)
    by_caller: Counter[str] = field(default_factory=Counter)
    # Operations that answered at least once with a 2xx: the others were only fuzzed at the door.
    succeeded: set[str] = field(default_factory=set)
    failures: dict[str, str] = field(default_factory=dict)

    def fail(self, key: str, message: str) -> None:
        self.failures.setdefault(key, message)


def _operations(schema: schemathesis.BaseSchema) -> list[Operation]:
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()  # an operation schemathesis cannot read is a defect of the document
        if (result.ok().method.upper(), result.ok().path) not in NOT_FUZZED:
            operations.append(result.ok())
    return sorted(operations, key=lambda op: (op.method.upper(), op.path) == LAST)


def _strategies(operation: Operation, caller: Caller) -> Iterator[tuple[int, st.SearchStrategy[Any]]]:
    for mode, count in EXAMPLES.items():
        yield count, operation.as_strategy(generation_mode=mode)
    names = set(re.findall(r"{(\w+)}", operation.path))
    known = {name: value for name, value in caller.known.items() if name in names}
    if known and len(known) == len(names):
        yield KNOWN_EXAMPLES, operation.as_strategy(path_parameters=known)


def _fuzz(
    operation: Operation,
    caller: Caller,
    http: requests.Session,
    base_url: str,
    examples: int,
    strategy: st.SearchStrategy[Any],
    tally: Tally,
) -> None:
    where = f"{caller.name} {operation.method.upper()} {operation.path}"

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        response = case.call(
            base_url=base_url, session=http, headers=dict(caller.headers), cookies=dict(caller.cookies), timeout=20
        )
        tally.statuses[response.status_code] += 1
        tally.by_caller[caller.name] += 1
        if response.status_code < 300:
            tally.succeeded.add(f"{operation.method.upper()} {operation.path}")
        try:
            case.validate_response(response, checks=CHECKS, headers=dict(caller.headers))
        except FailureGroup as failed:
            titles = ", ".join(sorted({f.title for f in failed.exceptions}))
            tally.fail(f"{where}: {titles}", str(failed))
        content_type = (response.headers.get("content-type") or [""])[0]
        if 400 <= response.status_code < 500 and (
            why := problem_failure(response.status_code, content_type, response.content, operation.path)
        ):
            tally.fail(f"{where}: {why}", f"{why}\n{case.as_curl_command()}\n{response.content[:500]!r}")

    with contextlib.suppress(Unsatisfiable):  # nothing of this operation can be made invalid
        run()


def test_every_operation_as_every_caller(
    system: RunningSystem, callers: list[Caller], capsys: pytest.CaptureFixture[str]
) -> None:
    schema = schemathesis.openapi.from_url(f"{system.gateway_url}/openapi.json")
    operations = _operations(schema)
    tally = Tally()
    started = time.monotonic()
    for caller in callers:
        http = caller.session()
        for operation in operations:
            for examples, strategy in _strategies(operation, caller):
                _fuzz(operation, caller, http, system.gateway_url, examples, strategy, tally)
        http.close()
    elapsed = time.monotonic() - started
    total = sum(tally.statuses.values())
    with capsys.disabled():
        print(f"\nfuzz: {total} cases over {len(operations)} operations x {len(callers)} callers in {elapsed:.0f} s")
        print("fuzz: by status " + ", ".join(f"{s}: {n}" for s, n in sorted(tally.statuses.items())))
        print("fuzz: by caller " + ", ".join(f"{c}: {n}" for c, n in tally.by_caller.items()))
        never = sorted({f"{op.method.upper()} {op.path}" for op in operations} - tally.succeeded)
        print(f"fuzz: {len(never)} operations never answered 2xx: " + ", ".join(never))
    assert not tally.failures, "\n\n".join(f"== {key}\n{message}" for key, message in tally.failures.items())
    assert total >= 1000
    assert not [status for status in tally.statuses if status >= 500]
