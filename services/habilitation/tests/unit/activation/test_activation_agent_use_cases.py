"""Agents issue, list and revoke activation codes and download the letter once; the sweeper expires codes."""

import base64
from datetime import timedelta

import pytest

from contracts import activation as a
from efp_runtime.clock import ManualClock
from habilitation.domain.activation_code import CodeState
from habilitation.domain.errors import Forbidden, InvalidInput, NotFound, WrongState
from habilitation.fakes import InMemory
from habilitation.fakes.activation import FakeCodeSource, FakeHasher
from habilitation.fakes.people import FakeAccounts, FakeDirectory
from habilitation.use_cases.activation.issue_activation_code import LETTER_AVAILABLE_FOR
from services.habilitation.tests.unit.activation.samples import (
    AGENT,
    CONTEXT,
    ESTABLISHMENT,
    LINKS,
    SIREN,
    SIRET,
    T0,
    USER,
    account,
    body,
    issued_code,
    types,
)

PLAIN = "KBJ9SRMSN8F7"
OTHER_AGENT = AGENT.model_copy(update={"account_id": "agent-2"})


class World:
    """The activation use cases on the service's fakes: an agent, a user, one open establishment."""

    def __init__(self, validity_months: int = 6) -> None:
        self.fakes = InMemory(
            clock=ManualClock(T0),
            accounts=FakeAccounts(account(AGENT.account_id, "Agnès", "Dreets"), account("user-1")),
            directory=FakeDirectory(ESTABLISHMENT),
            new_code=FakeCodeSource(PLAIN, "ZZZZ22223333", "YYYY44445555"),
        )
        self.codes, self.letters, self.renderer = self.fakes.codes, self.fakes.letters, self.fakes.renderer
        self.clock, self.accounts = self.fakes.clock, self.fakes.accounts
        x = self.fakes.use_cases(LINKS, validity_months)
        self.issue = x.issue_activation_code
        self.list = x.list_activation_codes
        self.revoke = x.revoke_activation_code
        self.letter = x.get_activation_letter
        self.expire = x.expire_activation_codes


async def test_issuing_stores_only_the_hash_and_announces_the_code_without_it() -> None:
    world = World()

    issued = await world.issue(
        a.IssueActivationCodeV1(actor=AGENT, service="ceres", siret="000 010 116 00036"), CONTEXT
    )

    assert (issued.code, issued.siret) == (PLAIN, SIRET)
    assert issued.expires_at == T0.replace(month=9)
    assert issued.letter_available_until == T0 + LETTER_AVAILABLE_FOR
    [stored] = world.codes.docs.values()
    assert stored.code_hash == FakeHasher().hash(SIRET, PLAIN)
    assert (stored.siren, stored.organisation_name, stored.issued_by) == (SIREN, "Centre Émeraude", "agent-1")
    assert PLAIN not in repr(stored)
    assert types(world.codes.messages) == ["habilitation.activation_code.issued.v1"]
    assert PLAIN not in world.codes.messages[0].body
    assert body(world.codes.messages[0])["activation_code_id"] == issued.id


async def test_the_letter_says_siret_code_service_and_dates() -> None:
    world = World()

    issued = await world.issue(a.IssueActivationCodeV1(actor=AGENT, service="ceres", siret=SIRET), CONTEXT)

    [letter] = world.renderer.rendered
    assert (letter.siret, letter.code, letter.service_label) == (SIRET, PLAIN, "CERES")
    assert (letter.issued_at, letter.expires_at, letter.reference) == (T0, issued.expires_at, issued.id)
    assert world.letters.kept[issued.id][0] == AGENT.account_id


async def test_the_validity_period_is_a_setting() -> None:
    world = World(validity_months=3)

    issued = await world.issue(a.IssueActivationCodeV1(actor=AGENT, service="ceres", siret=SIRET), CONTEXT)

    assert issued.expires_at == T0.replace(month=6)


async def test_a_new_code_revokes_the_one_still_issued_for_the_same_pair() -> None:
    world = World()
    first = await world.issue(a.IssueActivationCodeV1(actor=AGENT, service="ceres", siret=SIRET), CONTEXT)

    second = await world.issue(a.IssueActivationCodeV1(actor=OTHER_AGENT, service="ceres", siret=SIRET), CONTEXT)

    assert world.codes.docs[first.id].state is CodeState.REVOKED
    assert world.codes.docs[first.id].revoked_by == "agent-2"
    assert world.codes.docs[second.id].state is CodeState.ISSUED
    assert types(world.codes.messages)[-2:] == [
        "habilitation.activation_code.revoked.v1",
        "habilitation.activation_code.issued.v1",
    ]


async def test_only_agents_issue_codes() -> None:
    with pytest.raises(Forbidden):
        await World().issue(a.IssueActivationCodeV1(actor=USER, service="ceres", siret=SIRET), CONTEXT)


@pytest.mark.parametrize(
    ("service", "siret", "field"),
    [("mon_activite", SIRET, "service"), ("ceres", "1234", "siret"), ("ceres", "99999999999999", "siret")],
)
async def test_unknown_service_or_establishment_is_refused(service: str, siret: str, field: str) -> None:
    world = World()

    with pytest.raises(InvalidInput) as refused:
        await world.issue(a.IssueActivationCodeV1(actor=AGENT, service=service, siret=siret), CONTEXT)

    assert refused.value.field == field
    assert world.codes.docs == {}
    assert world.letters.kept == {}


async def test_the_list_shows_states_and_people_never_the_code() -> None:
    world = World()
    first = await world.issue(a.IssueActivationCodeV1(actor=AGENT, service="ceres", siret=SIRET), CONTEXT)
    world.clock.advance(timedelta(minutes=5))
    second = await world.issue(a.IssueActivationCodeV1(actor=AGENT, service="ceres", siret=SIRET), CONTEXT)

    listed = await world.list(a.ListActivationCodesV1(actor=AGENT, siret=SIRET), CONTEXT)

    assert [c.id for c in listed.activation_codes] == [second.id, first.id]
    assert [c.state for c in listed.activation_codes] == ["issued", "revoked"]
    assert listed.activation_codes[0].issued_by_name == "Agnès Dreets"
    assert PLAIN not in listed.model_dump_json()
    assert "code_hash" not in listed.model_dump_json()


async def test_the_list_shows_a_code_past_its_date_as_expired() -> None:
    world = World()
    await world.issue(a.IssueActivationCodeV1(actor=AGENT, service="ceres", siret=SIRET), CONTEXT)
    world.clock.advance(timedelta(days=200))

    listed = await world.list(a.ListActivationCodesV1(actor=AGENT, siret=SIRET), CONTEXT)

    assert listed.activation_codes[0].state == "expired"


async def test_only_agents_list_codes() -> None:
    with pytest.raises(Forbidden):
        await World().list(a.ListActivationCodesV1(actor=USER, siret=SIRET), CONTEXT)


async def test_revoking_records_the_agent_and_reason_and_announces_it() -> None:
    world = World()
    issued = await world.issue(a.IssueActivationCodeV1(actor=AGENT, service="ceres", siret=SIRET), CONTEXT)

    revoked = await world.revoke(
        a.RevokeActivationCodeV1(actor=OTHER_AGENT, activation_code_id=issued.id, reason="  Courrier égaré "), CONTEXT
    )

    assert (revoked.state, revoked.revoked_by, revoked.revocation_reason) == ("revoked", "agent-2", "Courrier égaré")
    assert types(world.codes.messages)[-1] == "habilitation.activation_code.revoked.v1"
    assert body(world.codes.messages[-1])["reason"] == "Courrier égaré"


async def test_revoking_twice_is_refused() -> None:
    world = World()
    issued = await world.issue(a.IssueActivationCodeV1(actor=AGENT, service="ceres", siret=SIRET), CONTEXT)
    await world.revoke(a.RevokeActivationCodeV1(actor=AGENT, activation_code_id=issued.id, reason=None), CONTEXT)

    with pytest.raises(WrongState):
        await world.revoke(a.RevokeActivationCodeV1(actor=AGENT, activation_code_id=issued.id, reason=None), CONTEXT)


async def test_revoking_a_code_past_its_date_records_the_expiry_instead() -> None:
    world = World()
    issued = await world.issue(a.IssueActivationCodeV1(actor=AGENT, service="ceres", siret=SIRET), CONTEXT)
    world.clock.advance(timedelta(days=200))

    with pytest.raises(WrongState):
        await world.revoke(a.RevokeActivationCodeV1(actor=AGENT, activation_code_id=issued.id, reason=None), CONTEXT)

    assert world.codes.docs[issued.id].state is CodeState.EXPIRED
    assert types(world.codes.messages)[-1] == "habilitation.activation_code.expired.v1"


async def test_revoking_an_unknown_code_is_not_found() -> None:
    with pytest.raises(NotFound):
        await World().revoke(a.RevokeActivationCodeV1(actor=AGENT, activation_code_id="nope", reason=None), CONTEXT)


async def test_the_letter_is_downloaded_once_by_the_issuing_agent() -> None:
    world = World()
    issued = await world.issue(a.IssueActivationCodeV1(actor=AGENT, service="ceres", siret=SIRET), CONTEXT)

    letter = await world.letter(a.GetActivationLetterV1(actor=AGENT, activation_code_id=issued.id), CONTEXT)

    assert base64.b64decode(letter.content_base64) == f"%PDF letter {PLAIN}".encode()
    assert letter.media_type == "application/pdf"
    assert letter.filename == f"modalites-acces-ceres-{SIRET}.pdf"
    with pytest.raises(NotFound):
        await world.letter(a.GetActivationLetterV1(actor=AGENT, activation_code_id=issued.id), CONTEXT)


async def test_the_download_of_the_letter_is_recorded_with_the_code() -> None:
    """Issue 14, finding 10: the letter holds the code in clear; who took it, and when, stays on record."""
    world = World()
    issued = await world.issue(a.IssueActivationCodeV1(actor=AGENT, service="ceres", siret=SIRET), CONTEXT)

    await world.letter(a.GetActivationLetterV1(actor=AGENT, activation_code_id=issued.id), CONTEXT)

    [listed] = (await world.list(a.ListActivationCodesV1(actor=AGENT, siret=SIRET), CONTEXT)).activation_codes
    assert listed.letter_downloaded_by == AGENT.account_id
    assert listed.letter_downloaded_at is not None


async def test_another_agent_cannot_take_the_letter() -> None:
    world = World()
    issued = await world.issue(a.IssueActivationCodeV1(actor=AGENT, service="ceres", siret=SIRET), CONTEXT)

    with pytest.raises(NotFound):
        await world.letter(a.GetActivationLetterV1(actor=OTHER_AGENT, activation_code_id=issued.id), CONTEXT)

    assert issued.id in world.letters.kept


async def test_the_letter_is_gone_after_ten_minutes() -> None:
    world = World()
    issued = await world.issue(a.IssueActivationCodeV1(actor=AGENT, service="ceres", siret=SIRET), CONTEXT)
    world.clock.advance(LETTER_AVAILABLE_FOR)

    with pytest.raises(NotFound):
        await world.letter(a.GetActivationLetterV1(actor=AGENT, activation_code_id=issued.id), CONTEXT)


async def test_the_letter_of_a_revoked_code_is_not_given() -> None:
    world = World()
    issued = await world.issue(a.IssueActivationCodeV1(actor=AGENT, service="ceres", siret=SIRET), CONTEXT)
    await world.revoke(a.RevokeActivationCodeV1(actor=AGENT, activation_code_id=issued.id, reason=None), CONTEXT)

    with pytest.raises(NotFound):
        await world.letter(a.GetActivationLetterV1(actor=AGENT, activation_code_id=issued.id), CONTEXT)


async def test_users_cannot_download_letters() -> None:
    with pytest.raises(Forbidden):
        await World().letter(a.GetActivationLetterV1(actor=USER, activation_code_id="code-1"), CONTEXT)


async def test_the_sweeper_expires_due_codes_with_their_event() -> None:
    world = World()
    world.clock.advance(timedelta(days=181))
    codes = world.codes
    await codes.add(issued_code("due"), [])
    await codes.add(issued_code("fresh", plain="ZZZZ22223333", expires_at=T0 + timedelta(days=365)), [])

    assert await world.expire() == 1

    assert codes.docs["due"].state is CodeState.EXPIRED
    assert codes.docs["fresh"].state is CodeState.ISSUED
    assert types(codes.messages) == ["habilitation.activation_code.expired.v1"]
