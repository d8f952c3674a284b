"""Accepting: the invited address only, within the day, the habilitations granted once, retries finish the job."""

from datetime import timedelta

import pytest

from contracts import invitations as inv
from contracts.habilitation import HabilitationGrantedV1, HabilitationGrantV1
from contracts.invitations import InvitationAcceptedV1
from habilitation.domain.errors import Forbidden, NotFound, WrongState
from habilitation.domain.habilitation import Via
from habilitation.domain.invitation import InvitationState
from services.habilitation.tests.unit.invitations.samples import Invites
from services.habilitation.tests.unit.samples import CONTEXT, SIREN, SIRET, SIRET_2, actor, event_types, on

GRANTS = [
    HabilitationGrantV1(role="centre_agree", siret=SIRET, end_date=on(30)),
    HabilitationGrantV1(role="gestionnaire_centres", siret=SIRET_2),
]


async def invited(email: str = "jeanne.martin@example.fr") -> tuple[Invites, str, str]:
    x = Invites()
    invitation_id, token = await x.invite(email, grants=GRANTS)
    x.world.member("new-0", siren=None, email=email)  # the prepared account's copy, from identity's event
    return x, invitation_id, token


async def test_the_invitee_accepts_and_gets_each_habilitation_by_invitation() -> None:
    x, _invitation_id, token = await invited()
    x.world.clock.advance(timedelta(hours=5))

    view = await x.accept(inv.AcceptInvitationV1(actor=actor("new-0"), token=token), CONTEXT)

    assert (view.status, view.accepted_at) == ("accepted", x.world.clock.now)
    held = sorted(await x.world.habilitations.of_account("new-0"), key=lambda h: h.siret)
    assert [(h.role, h.siret, h.end_date, h.via, h.granted_by) for h in held] == [
        ("centre_agree", SIRET, on(30), Via.INVITATION, "manager"),
        ("gestionnaire_centres", SIRET_2, None, Via.INVITATION, "manager"),
    ]
    assert {h.siren for h in held} == {SIREN}
    assert event_types(x.invitations.outbox)[-1] == InvitationAcceptedV1.MESSAGE_TYPE
    assert event_types(x.world.habilitations.outbox) == [HabilitationGrantedV1.MESSAGE_TYPE] * 2


async def test_the_address_is_compared_without_case() -> None:
    x, _, token = await invited()
    x.world.member("new-0", siren=None, email="Jeanne.Martin@EXAMPLE.fr")

    assert (await x.accept(inv.AcceptInvitationV1(actor=actor("new-0"), token=token), CONTEXT)).status == "accepted"


async def test_someone_logged_in_with_another_address_is_refused_and_nothing_is_granted() -> None:
    x, invitation_id, token = await invited()
    x.world.member("intruder", email="intrus@example.fr")

    with pytest.raises(Forbidden):
        await x.accept(inv.AcceptInvitationV1(actor=actor("intruder"), token=token), CONTEXT)

    assert x.world.habilitations.items == {}
    assert (await x.invitations.get(invitation_id)).state is InvitationState.SENT  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "mangle", [lambda t: t + "x", lambda t: "autre-id." + t.partition(".")[2], lambda t: "n'importe quoi"]
)
async def test_a_wrong_or_forged_token_finds_nothing(mangle: object) -> None:
    x, _, token = await invited()

    with pytest.raises(NotFound):
        await x.accept(inv.AcceptInvitationV1(actor=actor("new-0"), token=mangle(token)), CONTEXT)  # type: ignore[operator]


async def test_past_its_day_the_link_no_longer_grants_even_before_the_sweeper() -> None:
    x, _invitation_id, token = await invited()
    x.world.clock.advance(timedelta(days=1))

    with pytest.raises(WrongState, match="expiré"):
        await x.accept(inv.AcceptInvitationV1(actor=actor("new-0"), token=token), CONTEXT)

    assert x.world.habilitations.items == {}


async def test_a_revoked_invitation_cannot_be_accepted() -> None:
    x, invitation_id, token = await invited()
    await x.revoke(inv.RevokeInvitationV1(actor=actor("manager"), invitation_id=invitation_id), CONTEXT)

    with pytest.raises(WrongState, match="révoquée"):
        await x.accept(inv.AcceptInvitationV1(actor=actor("new-0"), token=token), CONTEXT)


async def test_accepting_twice_grants_once_and_answers_the_same() -> None:
    x, _, token = await invited()
    await x.accept(inv.AcceptInvitationV1(actor=actor("new-0"), token=token), CONTEXT)

    again = await x.accept(inv.AcceptInvitationV1(actor=actor("new-0"), token=token), CONTEXT)

    assert again.status == "accepted"
    assert len(x.world.habilitations.items) == 2
    assert event_types(x.invitations.outbox).count(InvitationAcceptedV1.MESSAGE_TYPE) == 1


async def test_a_crash_while_granting_is_finished_by_the_retry() -> None:
    x, _, token = await invited()
    habilitations = x.world.habilitations
    add = habilitations.add
    calls = 0

    async def add_then_crash(habilitation, messages):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionError("the store went away")
        await add(habilitation, messages)

    habilitations.add = add_then_crash  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        await x.accept(inv.AcceptInvitationV1(actor=actor("new-0"), token=token), CONTEXT)
    assert len(habilitations.items) == 1

    await x.accept(inv.AcceptInvitationV1(actor=actor("new-0"), token=token), CONTEXT)

    assert sorted(h.siret for h in habilitations.items.values()) == [SIRET, SIRET_2]


async def test_a_habilitation_already_held_is_kept_and_the_others_are_granted() -> None:
    x, _, token = await invited()
    x.world.holding(id="h-old", account_id="new-0", role="centre_agree", siret=SIRET, via=Via.MANAGER)

    await x.accept(inv.AcceptInvitationV1(actor=actor("new-0"), token=token), CONTEXT)

    held = await x.world.habilitations.of_account("new-0")
    assert sorted((h.id == "h-old", h.siret) for h in held) == [(False, SIRET_2), (True, SIRET)]


async def test_an_invitation_accepted_after_its_inviter_lost_the_manager_right_grants_nothing() -> None:
    x, invitation_id, token = await invited()
    inviter = await x.world.rights.get("manager", SIREN)
    assert inviter is not None
    inviter.withdraw("other-manager", x.world.clock.now)
    await x.world.rights.save(inviter, [])

    with pytest.raises(WrongState) as refused:
        await x.accept(inv.AcceptInvitationV1(actor=actor("new-0"), token=token), CONTEXT)

    assert "n'est plus responsable des accès" in refused.value.detail
    assert x.world.habilitations.items == {}
    assert (await x.invitations.get(invitation_id)).state is InvitationState.SENT  # type: ignore[union-attr]
