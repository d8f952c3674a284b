"""Managers list, resend (only once expired) and revoke their organisation's invitations; others find nothing."""

from datetime import timedelta

import pytest

from contracts import invitations as inv
from contracts.invitations import InvitationExpiredV1, InvitationResentV1, InvitationRevokedV1
from efp_runtime.outbox import OutboxMessage
from habilitation.domain.errors import Conflict, NotFound, Stale, TooEarly, WrongState
from habilitation.domain.invitation import Invitation, InvitationState
from services.habilitation.tests.unit.invitations.samples import Invites, last_token
from services.habilitation.tests.unit.samples import CONTEXT, OTHER_SIREN, SIREN, T0, actor, emails, event_types

DAY = timedelta(days=1)


async def test_resend_before_the_expiry_is_too_early_and_gives_the_expiry() -> None:
    x = Invites()
    invitation_id, _ = await x.invite()
    x.world.clock.advance(timedelta(hours=23))
    sent = len(x.invitations.outbox)

    with pytest.raises(TooEarly) as refused:
        await x.resend(inv.ResendInvitationV1(actor=actor("manager"), invitation_id=invitation_id), CONTEXT)

    assert refused.value.extra["expires_at"] == (T0 + DAY).isoformat()
    assert len(x.invitations.outbox) == sent


async def test_resend_once_expired_sends_a_new_link_valid_one_more_day_and_the_old_one_dies() -> None:
    x = Invites()
    x.world.member("new-0", email="jeanne.martin@example.fr")
    invitation_id, old_token = await x.invite()
    x.world.manager("second-manager")
    x.world.clock.advance(DAY + timedelta(hours=2))
    before = len(x.invitations.outbox)

    view = await x.resend(inv.ResendInvitationV1(actor=actor("second-manager"), invitation_id=invitation_id), CONTEXT)

    new = x.invitations.outbox[before:]
    assert event_types(new) == [InvitationExpiredV1.MESSAGE_TYPE, InvitationResentV1.MESSAGE_TYPE]
    [email] = emails(new)
    assert email["content"]["template"] == "invitation_resent"
    assert email["content"]["inviter_first_name"] == "Prénom-second-manager"
    new_token = last_token(x.invitations.outbox)
    assert new_token != old_token
    assert (view.status, view.expires_at) == ("sent", x.world.clock.now + DAY)
    with pytest.raises(NotFound):
        await x.accept(inv.AcceptInvitationV1(actor=actor("new-0"), token=old_token), CONTEXT)
    assert (await x.accept(inv.AcceptInvitationV1(actor=actor("new-0"), token=new_token), CONTEXT)).status == "accepted"


async def test_past_its_day_the_address_may_be_invited_again_and_the_old_one_no_longer_resent() -> None:
    x = Invites()
    first, _ = await x.invite()
    x.world.clock.advance(DAY)  # `first` is past its day, not swept yet

    second, _ = await x.invite()

    assert (await x.invitations.get(first)).state is InvitationState.EXPIRED  # type: ignore[union-attr]
    assert InvitationExpiredV1.MESSAGE_TYPE in event_types(x.invitations.outbox)
    with pytest.raises(Conflict):
        await x.resend(inv.ResendInvitationV1(actor=actor("manager"), invitation_id=first), CONTEXT)
    assert (await x.invitations.get(second)).state is InvitationState.SENT  # type: ignore[union-attr]


async def test_revoke_a_sent_or_expired_invitation_records_who_and_frees_the_address() -> None:
    x = Invites()
    sent, _ = await x.invite()

    view = await x.revoke(inv.RevokeInvitationV1(actor=actor("manager"), invitation_id=sent), CONTEXT)

    assert (view.status, view.revoked_by) == ("revoked", "manager")
    assert event_types(x.invitations.outbox)[-1] == InvitationRevokedV1.MESSAGE_TYPE
    expired, _ = await x.invite()  # the address may be invited again
    x.world.clock.advance(DAY)
    assert (
        await x.revoke(inv.RevokeInvitationV1(actor=actor("manager"), invitation_id=expired), CONTEXT)
    ).status == "revoked"


async def test_an_accepted_or_revoked_invitation_can_be_neither_revoked_nor_resent() -> None:
    x = Invites()
    x.world.member("new-0", email="jeanne.martin@example.fr")
    accepted, token = await x.invite()
    await x.accept(inv.AcceptInvitationV1(actor=actor("new-0"), token=token), CONTEXT)
    x.world.clock.advance(DAY * 2)

    for act, command in ((x.revoke, inv.RevokeInvitationV1), (x.resend, inv.ResendInvitationV1)):
        with pytest.raises(WrongState):
            await act(command(actor=actor("manager"), invitation_id=accepted), CONTEXT)


async def test_a_manager_of_another_organisation_gets_not_found_for_everything() -> None:
    x = Invites()
    invitation_id, _ = await x.invite()
    x.world.manager("other-manager", OTHER_SIREN)
    x.world.clock.advance(DAY * 2)
    stranger = actor("other-manager")

    for act, command in ((x.revoke, inv.RevokeInvitationV1), (x.resend, inv.ResendInvitationV1)):
        with pytest.raises(NotFound):
            await act(command(actor=stranger, invitation_id=invitation_id), CONTEXT)
    with pytest.raises(NotFound):
        await x.revoke(inv.RevokeInvitationV1(actor=actor("manager"), invitation_id="no-such-invitation"), CONTEXT)
    with pytest.raises(NotFound):
        await x.list(inv.ListInvitationsV1(actor=stranger, siren=SIREN, status=None), CONTEXT)
    assert (await x.invitations.get(invitation_id)).state is InvitationState.SENT  # type: ignore[union-attr]


async def test_the_list_shows_pending_and_expired_by_their_effective_state() -> None:
    x = Invites()
    old, _ = await x.invite("old@example.fr")
    x.world.clock.advance(DAY)  # `old` is past its day, not swept yet
    fresh, _ = await x.invite("fresh@example.fr")
    gone, _ = await x.invite("gone@example.fr")
    await x.revoke(inv.RevokeInvitationV1(actor=actor("manager"), invitation_id=gone), CONTEXT)

    sent = await x.list(inv.ListInvitationsV1(actor=actor("manager"), siren=SIREN, status="sent"), CONTEXT)
    expired = await x.list(inv.ListInvitationsV1(actor=actor("manager"), siren=SIREN, status="expired"), CONTEXT)
    everything = await x.list(inv.ListInvitationsV1(actor=actor("manager"), siren=SIREN, status=None), CONTEXT)

    assert [i.id for i in sent.invitations] == [fresh]
    assert [(i.id, i.status) for i in expired.invitations] == [(old, "expired")]
    assert {i.id for i in everything.invitations} == {old, fresh, gone}
    assert everything.invitations[0].invited_by_name == "Prénom-manager Nom-manager"


async def test_a_resend_that_meets_the_sweep_reads_the_invitation_again_and_resends_it() -> None:
    x = Invites()
    x.world.member("new-0", email="jeanne.martin@example.fr")
    invitation_id, _ = await x.invite()
    x.world.clock.advance(DAY + timedelta(hours=2))
    update, raced = x.invitations.update, []

    async def swept_meanwhile(invitation: Invitation, messages: list[OutboxMessage]) -> None:
        if not raced:  # the first write finds the document changed under it
            raced.append(invitation.version)
            raise Stale("Cette invitation a été modifiée entre-temps. Veuillez réessayer.")
        await update(invitation, messages)

    x.invitations.update = swept_meanwhile  # type: ignore[method-assign]
    view = await x.resend(inv.ResendInvitationV1(actor=actor("manager"), invitation_id=invitation_id), CONTEXT)

    assert raced
    assert view.status == "sent"
    assert emails(x.invitations.outbox)[-1]["content"]["template"] == "invitation_resent"
