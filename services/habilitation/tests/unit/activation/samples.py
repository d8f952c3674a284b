"""Test data of the activation unit tests: an establishment, an agent and a user, an issued code."""

import json
from datetime import UTC, datetime, timedelta

from contracts.habilitation import ActorV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import OutboxMessage
from habilitation.domain.activation_code import ActivationCode, CodeState
from habilitation.fakes.activation import FakeHasher
from habilitation.use_cases.links import Links
from habilitation.use_cases.ports import AccountCopy, Establishment

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
SIRET = "00001011600036"
SIREN = "000010116"
AGENT = ActorV1(account_id="agent-1", kind="agent")
USER = ActorV1(account_id="user-1", kind="user", siren=SIREN)
LINKS = Links("https://efp.example.fr")
CONTEXT = MessageContext(message_id="m-1", correlation_id="c-1")
ESTABLISHMENT = Establishment(SIRET, SIREN, "Émeraude Grenoble", "Centre Émeraude", "38000")


def account(account_id: str, first: str = "Ada", last: str = "Lovelace") -> AccountCopy:
    return AccountCopy(account_id, f"{account_id}@example.fr", "user", "madame", last, first, siren=SIREN)


def types(messages: list[OutboxMessage]) -> list[str]:
    return [m.type for m in messages]


def body(message: OutboxMessage) -> dict[str, object]:
    parsed: dict[str, object] = json.loads(message.body)
    return parsed


def issued_code(
    code_id: str = "code-1",
    plain: str = "KBJ9SRMSN8F7",
    state: CodeState = CodeState.ISSUED,
    expires_at: datetime = T0 + timedelta(days=180),
) -> ActivationCode:
    return ActivationCode(
        id=code_id,
        service="ceres",
        siret=SIRET,
        siren=SIREN,
        code_hash=FakeHasher().hash(SIRET, plain),
        issued_by=AGENT.account_id,
        issued_at=T0 - timedelta(days=1),
        expires_at=expires_at,
        organisation_name="Centre Émeraude",
        establishment_name="Émeraude Lyon",
        state=state,
        version=1,
    )
