"""ForgetAccount: identity deleted an account; what the person held ends, their records keep only ids.

No e-mail goes to the deleted person; the usual public events go out (the gateway's copy follows);
a redelivery does nothing more, and one after a crash finishes the job.
"""

from dataclasses import replace

import pytest

from contracts.privacy import AccountDeletedV1, AccountEmailChangedV1, DeletionReason
from efp_runtime.outbox import OutboxMessage
from habilitation.domain.access_request import RequestState
from habilitation.domain.habilitation import Habilitation, HabilitationState
from habilitation.domain.invitation import Invitation, InvitationState
from habilitation.domain.manager_right import ManagerRightState
from habilitation.use_cases.organisation.ports import UsersQuery
from services.habilitation.tests.unit.invitations.samples import make_invitation
from services.habilitation.tests.unit.samples import (
    CONTEXT,
    OTHER_SIREN,
    SIREN,
    T0,
    TODAY,
    World,
    account_created,
    emails,
    event_types,
    events,
    outbox,
    profile_updated,
)

GONE = "gone"


def deleted(account_id: str = GONE, reason: DeletionReason = "requested") -> AccountDeletedV1:
    return AccountDeletedV1(account_id=account_id, email=f"{account_id}@example.fr", deleted_at=T0, reason=reason)


def stored_invitation(world: World, invitation: Invitation) -> Invitation:
    invitation.version = 1
    invitation.events.clear()
    world.invitations.items[invitation.id] = invitation
    return invitation


@pytest.fixture
def world() -> World:
    """GONE: a member and manager of SIREN (with "boss"), appointed on OTHER_SIREN, holding, asking, inviting."""
    world = World()
    world.manager(GONE)
    world.manager("boss")
    world.rights.give(GONE, OTHER_SIREN, ManagerRightState.APPOINTED)
    world.member("colleague")
    world.holding(id="h-gone", account_id=GONE, granted_by="boss")
    world.holding(id="h-colleague", account_id="colleague", granted_by=GONE)  # granted by them: stays
    world.pending(id="r-pending", account_id=GONE, message="Je suis Gone, appelez-moi au 0601020304")
    refused = world.pending(id="r-refused", account_id=GONE, message="Ancienne demande")
    refused.refuse("boss", T0, "non")
    refused.events.clear()
    stored_invitation(world, replace(make_invitation("gone@example.fr"), id="i-received", account_id=GONE))
    stored_invitation(world, replace(make_invitation("new@example.fr"), id="i-sent", invited_by=GONE))
    accepted = replace(make_invitation("gone.old@example.fr"), id="i-accepted", account_id=GONE)
    accepted.accept(GONE, T0)
    stored_invitation(world, accepted)
    return world


def everything(world: World) -> list[OutboxMessage]:
    return outbox(world.habilitations, world.rights, world.requests, world.invitations)


async def test_pending_requests_are_cancelled_and_every_message_of_the_person_erased(world: World) -> None:
    await world.x.forget_account(deleted(), CONTEXT)

    pending, refused = world.requests.items["r-pending"], world.requests.items["r-refused"]
    assert (pending.state, pending.message) == (RequestState.CANCELLED, None)
    assert (refused.state, refused.message, refused.decided_by) == (RequestState.REFUSED, None, "boss")
    assert pending.history[-1].trigger == "cancel"
    assert pending.history[-1].by == GONE
    assert event_types(world.requests.outbox) == ["habilitation.access_request.cancelled.v1"]


async def test_habilitations_are_revoked_with_their_event_and_those_granted_by_the_person_stay(world: World) -> None:
    await world.x.forget_account(deleted(), CONTEXT)

    gone, colleague = world.habilitations.items["h-gone"], world.habilitations.items["h-colleague"]
    assert gone.state is HabilitationState.REVOKED
    assert (gone.history[-1].by, gone.history[-1].why) == (GONE, "compte supprimé")
    assert (colleague.state, colleague.granted_by) == (HabilitationState.ACTIVE, GONE)  # accountability, by id
    [revoked] = events(world.habilitations.outbox, "habilitation.habilitation.revoked.v1")
    assert (revoked["habilitation"]["id"], revoked["revoked_by"]) == ("h-gone", GONE)
    assert revoked["reason"] == "compte supprimé"


async def test_manager_rights_held_or_appointed_are_withdrawn_with_their_event(world: World) -> None:
    await world.x.forget_account(deleted(), CONTEXT)

    assert world.rights.items[f"{GONE}:{SIREN}"].state is ManagerRightState.WITHDRAWN
    assert world.rights.items[f"{GONE}:{OTHER_SIREN}"].state is ManagerRightState.WITHDRAWN
    assert world.rights.items[f"boss:{SIREN}"].state is ManagerRightState.ACTIVE
    withdrawn = events(world.rights.outbox, "habilitation.manager_right.withdrawn.v1")
    assert sorted((e["siren"], e["withdrawn_by"]) for e in withdrawn) == [(SIREN, GONE), (OTHER_SIREN, GONE)]


async def test_an_inactive_account_is_ended_by_the_system(world: World) -> None:
    await world.x.forget_account(deleted(reason="inactive"), CONTEXT)

    assert world.habilitations.items["h-gone"].history[-1].by == "system"
    assert world.rights.items[f"{GONE}:{SIREN}"].history[-1] == (T0, "withdraw", "system")


async def test_the_last_manager_deleted_anyway_still_loses_the_right(world: World) -> None:
    world.rights.items[f"boss:{SIREN}"].state = ManagerRightState.WITHDRAWN  # identity checked, then a race

    await world.x.forget_account(deleted(), CONTEXT)

    assert world.rights.items[f"{GONE}:{SIREN}"].state is ManagerRightState.WITHDRAWN


async def test_invitations_received_and_sent_are_revoked_and_the_invitee_data_erased(world: World) -> None:
    await world.x.forget_account(deleted(), CONTEXT)

    received, sent = world.invitations.items["i-received"], world.invitations.items["i-sent"]
    accepted = world.invitations.items["i-accepted"]
    assert received.state is InvitationState.REVOKED
    assert (received.email, received.first_name, received.last_name) == ("", "", "")
    assert (accepted.state, accepted.email, accepted.first_name, accepted.accepted_by) == (
        InvitationState.ACCEPTED,
        "",
        "",
        GONE,
    )
    # Sent by them to someone else: revoked, the invitee's own data is theirs and stays.
    assert (sent.state, sent.email, sent.invited_by) == (InvitationState.REVOKED, "new@example.fr", GONE)
    revoked = events(world.invitations.outbox, "habilitation.invitation.revoked.v1")
    assert sorted(e["invitation_id"] for e in revoked) == ["i-received", "i-sent"]


async def test_the_copy_becomes_a_tombstone_and_the_person_leaves_the_users_listing(world: World) -> None:
    await world.x.forget_account(deleted(), CONTEXT)

    assert await world.accounts.get(GONE) is None
    assert world.accounts.tombstones == {GONE: T0}
    assert GONE not in str(world.accounts.accounts.values())
    page = await world.listing.page(UsersQuery(siren=SIREN, today=TODAY))
    assert GONE not in page.account_ids
    assert await world.listing.matching(SIREN, "Nom-gone") == []


async def test_no_e_mail_at_all_goes_out(world: World) -> None:
    await world.x.forget_account(deleted(), CONTEXT)

    assert emails(everything(world)) == []
    assert "gone@example.fr" not in "".join(m.body for m in everything(world))


async def test_a_redelivery_does_nothing_more(world: World) -> None:
    await world.x.forget_account(deleted(), CONTEXT)
    before = (len(everything(world)), {k: r.version for k, r in world.requests.items.items()})

    await world.x.forget_account(deleted(), CONTEXT)

    assert (len(everything(world)), {k: r.version for k, r in world.requests.items.items()}) == before
    assert world.accounts.tombstones == {GONE: T0}


async def test_a_crash_midway_is_finished_by_the_redelivery(world: World) -> None:
    world.habilitations.fail_next_update = True
    with pytest.raises(ConnectionError):
        await world.x.forget_account(deleted(), CONTEXT)
    assert world.habilitations.items["h-gone"].state is HabilitationState.ACTIVE

    await world.x.forget_account(deleted(), CONTEXT)

    assert world.habilitations.items["h-gone"].state is HabilitationState.REVOKED
    assert world.rights.items[f"{GONE}:{SIREN}"].state is ManagerRightState.WITHDRAWN
    assert world.invitations.items["i-received"].state is InvitationState.REVOKED
    assert len(events(world.requests.outbox, "habilitation.access_request.cancelled.v1")) == 1


async def test_replayed_account_events_bring_no_data_back() -> None:
    world = World()
    record = world.x.record_account
    await record.created(account_created())
    await world.x.forget_account(deleted("a-1"), CONTEXT)

    await record.created(account_created())
    await record.profile_updated(profile_updated())
    await record.email_changed(AccountEmailChangedV1(account_id="a-1", email="new@example.fr", changed_at=T0))

    assert world.accounts.accounts == {}
    assert await world.accounts.deleted("a-1")


async def test_a_record_changed_meanwhile_is_read_again_and_the_deletion_goes_on(world: World) -> None:
    stored = world.habilitations.items["h-gone"]
    real_update = world.habilitations.update

    async def changed_once(habilitation: Habilitation, messages: list[OutboxMessage]) -> None:
        world.habilitations.update = real_update  # type: ignore[method-assign]
        stored.revoke("boss", T0)  # a manager revokes it at the same moment
        stored.version += 1
        stored.events.clear()
        await real_update(habilitation, messages)

    world.habilitations.update = changed_once  # type: ignore[method-assign]

    await world.x.forget_account(deleted(), CONTEXT)

    assert world.habilitations.items["h-gone"].history[-1].by == "boss"  # that revocation stands
    assert world.rights.items[f"{GONE}:{SIREN}"].state is ManagerRightState.WITHDRAWN
    assert world.invitations.items["i-received"].state is InvitationState.REVOKED
