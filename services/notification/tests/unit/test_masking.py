"""masked_body: what an operator sees of a dead-lettered command never shows a code."""

import json

from notification.domain.catalogue import MASK
from notification.domain.masking import masked_body


def test_a_code_in_a_command_is_masked_and_the_rest_kept() -> None:
    body = {"to": "ada@example.fr", "content": {"template": "signup_verification_code", "code": "482913"}}

    shown = json.loads(masked_body(json.dumps(body).encode()))

    assert shown == {"to": "ada@example.fr", "content": {"template": "signup_verification_code", "code": MASK}}


def test_tokens_and_passwords_are_masked_wherever_they_are() -> None:
    body = {"items": [{"invitation_token": "abc"}, {"password": "x", "Secret": {"deep": 1}}]}

    shown = json.loads(masked_body(json.dumps(body).encode()))

    assert shown == {"items": [{"invitation_token": MASK}, {"password": MASK, "Secret": MASK}]}


def test_a_body_that_is_not_json_has_its_digit_runs_masked() -> None:
    assert masked_body(b"to=ada code=482913 at 12:30") == f"to=ada code={MASK} at 12:30"


def test_a_body_that_is_not_text_is_still_shown_safely() -> None:
    assert masked_body(b"\xff\xfe 1234567") == f"\ufffd\ufffd {MASK}"


def test_a_code_or_token_in_a_link_is_masked_and_the_rest_of_the_link_kept() -> None:
    body = {
        "content": {
            "link": "https://efp.example.fr/inscription/r-1/code?code=482913",
            "other": "https://efp.example.fr/invitations/accepter?lang=fr&token=Zk3q9VbT&x=1",
        }
    }

    shown = json.loads(masked_body(json.dumps(body).encode()))

    assert shown["content"] == {
        "link": f"https://efp.example.fr/inscription/r-1/code?code={MASK}",
        "other": f"https://efp.example.fr/invitations/accepter?lang=fr&token={MASK}&x=1",
    }
