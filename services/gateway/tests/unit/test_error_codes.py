"""Every refusal code the gateway answers is one of `contracts.errors.ErrorCode`, which also gives its status."""

import ast
import re
from pathlib import Path

from contracts.errors import ErrorCode
from gateway import problems
from gateway.main import create_app

GATEWAY = Path(problems.__file__).parent
README = GATEWAY.parents[1] / "README.md"
KNOWN = {code.value for code in ErrorCode}


def _calls_of(name: str) -> list[tuple[str, ast.Call]]:
    found = []
    for path in sorted(GATEWAY.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if called == name:
                    found.append((path.name, node))
    return found


def test_no_problem_the_gateway_writes_spells_its_code_as_a_bare_string() -> None:
    calls = _calls_of("problem_response")
    assert len(calls) > 10  # found by reading the modules, not listed by hand

    bare = [(where, call.args[0].value) for where, call in calls if isinstance(call.args[0], ast.Constant)]

    assert bare == []


def test_every_code_the_readme_documents_for_a_problem_is_an_error_code() -> None:
    text = README.read_text()
    # OAuth's own endpoints answer OAuth's error codes (RFC 6749), deliberately not problems.
    oauth = text.index("## Single sign-on (OpenID Connect)")
    problems_part = text[:oauth] + text[text.index("**For the web pages**", oauth) :]
    documented = set(re.findall(r"\b[1-5]\d\d `([a-z_]+)`", problems_part))
    assert len(documented) > 10

    assert documented - KNOWN == set()


def test_every_error_status_a_route_declares_has_a_code_and_a_title() -> None:
    document = create_app().openapi()
    declared = {
        int(status)
        for path in document["paths"].values()
        for operation in path.values()
        for status, response in operation["responses"].items()
        if problems.MEDIA_TYPE in response.get("content", {})
    }
    assert {401, 404, 422, 503} <= declared

    assert declared - {code.status for code in ErrorCode} == set()
    assert declared - set(problems.TITLES) == set()


def test_a_code_gets_the_status_contracts_give_it_and_an_unknown_one_400() -> None:
    assert [problems.status_of(code.value) for code in ErrorCode] == [code.status for code in ErrorCode]
    assert problems.status_of("something_new") == 400
