"""Outgoing.email's `mentions`: the other accounts a body names, once each, never the recipient's own."""

import json

import pytest

from contracts.notification import HabilitationEndedV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing

pytestmark = pytest.mark.unit

CONTENT = HabilitationEndedV1(
    kind="revoked",
    service_label="CERES",
    role_label="Centre agréé",
    establishment_name="Formation Plus Lyon",
    siret="12345678900011",
    ended_on="2030-01-15",  # type: ignore[arg-type]
    link="https://efp.example.fr/mes-habilitations",
)


def sent(**options: object) -> list[str]:
    outgoing = Outgoing("habilitation", MessageContext(message_id="m-1", correlation_id="c-1"))
    outgoing.email("x@example.fr", CONTENT, **options)  # type: ignore[arg-type]
    mentions: list[str] = json.loads(outgoing.messages[0].body)["mentions"]
    return mentions


def test_no_mention_by_default() -> None:
    assert sent(account_id="a-1") == []


def test_mentions_are_sorted_once_each_without_empty_ids_or_the_recipient() -> None:
    assert sent(account_id="a-1", mentions=["b-2", "a-1", None, "", "b-2", "a-0"]) == ["a-0", "b-2"]
