"""Test data of the habilitation unit tests: an organisation, its people, their records, and readers of the outbox."""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from contracts.accounts import AccountCreatedV1, AccountProfileUpdatedV1
from contracts.habilitation import ActorV1, HabilitationGrantV1
from contracts.notification import SendEmailV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import OutboxMessage
from habilitation.composition import Habilitation as UseCases
from habilitation.domain.access_request import AccessRequest
from habilitation.domain.habilitation import Habilitation, Via
from habilitation.domain.manager_right import ManagerRight
from habilitation.fakes import START, InMemory
from habilitation.fakes.stores import Store
from habilitation.use_cases.links import Links
from habilitation.use_cases.ports import AccountCopy

T0 = START
TODAY = T0.date()
SIREN = "123456789"
SIRET = "12345678900011"
SIRET_2 = "12345678900029"
OTHER_SIREN = "987654321"
OTHER_SIRET = "98765432100015"
CONTEXT = MessageContext(message_id="m-1", correlation_id="corr-1")
LINKS = Links("https://efp.example.fr")


def actor(account_id: str, siren: str | None = SIREN) -> ActorV1:
    return ActorV1(account_id=account_id, kind="user", siren=siren)


def person(account_id: str, siren: str | None = SIREN, **fields: Any) -> AccountCopy:
    values: dict[str, Any] = {
        "account_id": account_id,
        "email": f"{account_id}@example.fr",
        "kind": "user",
        "civility": "Madame",
        "last_name": f"Nom-{account_id}",
        "first_name": f"Prénom-{account_id}",
        "siren": siren,
    }
    return AccountCopy(**(values | fields))


def grant(role: str = "centre_agree", siret: str = SIRET, **fields: Any) -> HabilitationGrantV1:
    return HabilitationGrantV1(role=role, siret=siret, **fields)


def make_habilitation(**fields: Any) -> Habilitation:
    values: dict[str, Any] = {
        "id": "h-1",
        "account_id": "holder",
        "service": "ceres",
        "role": "centre_agree",
        "siret": SIRET,
        "siren": SIREN,
        "end_date": None,
        "granted_by": "manager",
        "granted_at": T0,
        "via": Via.MANAGER,
    }
    return Habilitation.grant(**(values | fields))


def make_request(**fields: Any) -> AccessRequest:
    values: dict[str, Any] = {
        "id": "r-1",
        "account_id": "requester",
        "service": "ceres",
        "siren": SIREN,
        "siret": SIRET,
        "message": "Bonjour",
        "created_at": T0,
        "last_sent_at": T0,
        "organisation_name": "Formation Plus",
        "establishment_name": "Formation Plus Lyon",
    }
    return AccessRequest.submit(**(values | fields))


def make_right(account_id: str = "manager", siren: str = SIREN, **fields: Any) -> ManagerRight:
    values: dict[str, Any] = {
        "account_id": account_id,
        "siren": siren,
        "granted_by": None,
        "granted_at": T0,
        "via": "activation_code",
        "charter_version": "2024-11",
    }
    return ManagerRight.grant(**(values | fields))


@dataclass
class World(InMemory):
    """The service in memory, with an organisation (SIREN: SIRET, SIRET_2) and another (OTHER_SIREN)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.directory.add(SIRET, SIREN)
        self.directory.add(SIRET_2, SIREN, name="Formation Plus Nantes")
        self.directory.add(OTHER_SIRET, OTHER_SIREN, name="Autre Site", org="Autre Structure")

    def member(self, account_id: str, siren: str | None = SIREN, **fields: Any) -> AccountCopy:
        account = person(account_id, siren, **fields)
        self.accounts.accounts[account_id] = account
        return account

    def manager(self, account_id: str, siren: str = SIREN) -> AccountCopy:
        account = self.member(account_id, siren)
        right = make_right(account_id, siren)
        right.version = 1
        right.events.clear()
        self.rights.items[right.id] = right
        return account

    def holding(self, **fields: Any) -> Habilitation:
        habilitation = make_habilitation(**fields)
        habilitation.version = 1
        habilitation.events.clear()
        self.habilitations.items[habilitation.id] = habilitation  # stored as is: tests may change it
        return habilitation

    def pending(self, **fields: Any) -> AccessRequest:
        request = make_request(**fields)
        request.version = 1
        request.events.clear()
        self.requests.items[request.id] = request
        return request

    @property
    def x(self) -> UseCases:
        """The use cases on this world's fakes, wired as the service wires them (e-mails link to LINKS)."""
        return self.use_cases(LINKS)


def outbox(*stores: Store) -> list[OutboxMessage]:
    return [m for store in stores for m in store.outbox]


def emails(messages: list[OutboxMessage]) -> list[dict[str, Any]]:
    """The SendEmailV1 commands among the messages, as their JSON bodies."""
    return [json.loads(m.body) for m in messages if m.type == SendEmailV1.MESSAGE_TYPE]


def event_types(messages: list[OutboxMessage]) -> list[str]:
    return [m.type for m in messages if m.type != SendEmailV1.MESSAGE_TYPE]


def events(messages: list[OutboxMessage], message_type: str) -> list[dict[str, Any]]:
    return [json.loads(m.body) for m in messages if m.type == message_type]


def days(n: int) -> timedelta:
    return timedelta(days=n)


def on(offset_days: int) -> date:
    return TODAY + timedelta(days=offset_days)


def account_created(at: datetime = T0) -> AccountCreatedV1:
    """Léa Martin's account, as the identity service announces it."""
    return AccountCreatedV1(
        account_id="a-1",
        email="lea@example.fr",
        kind="user",
        civility="Madame",
        last_name="Martin",
        first_name="Léa",
        job_title="Formatrice",
        siren=SIREN,
        created_at=at,
    )


def profile_updated(last_name: str = "Durand", at: datetime | None = None) -> AccountProfileUpdatedV1:
    return AccountProfileUpdatedV1(
        account_id="a-1",
        civility="Madame",
        last_name=last_name,
        first_name="Léa",
        job_title="Directrice",
        phone="0102030405",
        changed=["last_name", "job_title", "phone"],
        updated_at=at,
    )
