"""The second factor the use cases ask of managers and agents: every act, and step-up before the gravest."""

import copy
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

import pytest

from contracts import access_requests as ar
from contracts import activation as a
from contracts import habilitation_management as hm
from contracts import invitations as inv
from contracts.habilitation import ActorV1
from efp_runtime.clock import ManualClock
from habilitation.domain.errors import NotFound, SecondFactorRequired, StepUpRequired
from habilitation.domain.manager_right import ManagerRight
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.fakes import InMemory
from habilitation.fakes.people import FakeAccounts, FakeDirectory
from services.habilitation.tests.unit.activation.samples import AGENT, ESTABLISHMENT, account
from services.habilitation.tests.unit.activation.samples import SIRET as AGENT_SIRET
from services.habilitation.tests.unit.activation.samples import T0 as AGENT_T0
from services.habilitation.tests.unit.invitations.samples import make_invitation
from services.habilitation.tests.unit.samples import CONTEXT, SIREN, T0, World, actor, grant, on

ON, OFF = SecondFactorPolicy(required=True), SecondFactorPolicy(required=False)
INVITATION = make_invitation()
PROVED = {"amr": ["pwd", "otp", "mfa"], "second_factor_enrolled": True}


def proved(who: ActorV1, ago: timedelta = timedelta(minutes=1), now: Any = T0) -> ActorV1:
    """The actor after a second factor `ago` (a TOTP code)."""
    return who.model_copy(update={**PROVED, "second_factor_at": now - ago})


@pytest.fixture
def world() -> World:
    world = World(second_factor=ON)
    world.manager("alice")
    world.manager("carl")
    world.member("bea")
    return world


def users_of(siren: str, who: ActorV1) -> hm.ListOrganisationUsersV1:
    return hm.ListOrganisationUsersV1(actor=who, siren=siren)


def manager_acts(world: World, who: ActorV1) -> list[Coroutine[Any, Any, object]]:
    """One call of every use case an access manager acts through (`require_manager` or `manages`)."""
    x = world.x
    return [
        x.list_organisation_users(users_of(SIREN, who), CONTEXT),
        x.list_organisation_users.one(hm.GetOrganisationUserV1(actor=who, siren=SIREN, account_id="bea"), CONTEXT),
        x.assign_habilitation.to_user(
            hm.AddUserHabilitationV1(actor=who, siren=SIREN, account_id="bea", grant=grant()), CONTEXT
        ),
        x.assign_habilitation.to_myself(hm.AssignMyHabilitationV1(actor=who, grant=grant()), CONTEXT),
        x.delegate_habilitation(
            hm.DelegateHabilitationV1(actor=who, siren=SIREN, email="x@example.fr", grant=grant(end_date=on(30))),
            CONTEXT,
        ),
        x.revoke_habilitation(hm.RevokeHabilitationV1(actor=who, habilitation_id="h-1"), CONTEXT),
        x.list_organisation_access_requests(ar.ListOrganisationAccessRequestsV1(actor=who, siren=SIREN), CONTEXT),
        x.get_access_request(ar.GetAccessRequestV1(actor=who, access_request_id="r-1"), CONTEXT),
        x.accept_access_request(
            ar.AcceptAccessRequestV1(actor=who, access_request_id="r-1", habilitations=[grant()]), CONTEXT
        ),
        x.refuse_access_request(ar.RefuseAccessRequestV1(actor=who, access_request_id="r-1"), CONTEXT),
        x.invite_user(
            inv.InviteUserV1(actor=who, siren=SIREN, email="new@example.fr", habilitations=[grant()]), CONTEXT
        ),
        x.list_invitations(inv.ListInvitationsV1(actor=who, siren=SIREN), CONTEXT),
        x.resend_invitation(inv.ResendInvitationV1(actor=who, invitation_id=INVITATION.id), CONTEXT),
        x.revoke_invitation(inv.RevokeInvitationV1(actor=who, invitation_id=INVITATION.id), CONTEXT),
        x.appoint_manager.appoint(hm.AppointManagerV1(actor=who, siren=SIREN, account_id="bea"), CONTEXT),
        x.appoint_manager.withdraw(hm.WithdrawManagerV1(actor=who, siren=SIREN, account_id="carl"), CONTEXT),
    ]


def with_records(world: World) -> World:
    world.pending(id="r-1")  # by someone else: bea sees it only as a manager would
    world.holding(id="h-1", account_id="bea")
    invitation = copy.deepcopy(INVITATION)
    invitation.version = 1
    world.invitations.items[invitation.id] = invitation
    return world


async def test_required_a_manager_with_a_password_alone_is_refused_every_act(world: World) -> None:
    acts = manager_acts(with_records(world), actor("alice"))
    assert len(acts) == 16

    for act in acts:
        with pytest.raises(SecondFactorRequired):
            await act

    assert world.habilitations.items["h-1"].state.value == "active"
    assert world.requests.items["r-1"].state.value == "pending"
    assert world.invitations.items[INVITATION.id].state.value == "sent"
    assert (world.rights.outbox, world.habilitations.outbox, world.invitations.outbox) == ([], [], [])


async def test_required_someone_who_manages_nothing_is_refused_as_before_not_asked_for_a_factor(world: World) -> None:
    for act in manager_acts(with_records(world), actor("bea")):
        with pytest.raises(NotFound):  # the organisation stays invisible: a second-factor refusal would tell
            await act


async def test_required_a_manager_who_proved_a_second_factor_acts(world: World) -> None:
    page = await world.x.list_organisation_users(users_of(SIREN, proved(actor("alice"))), CONTEXT)

    assert "bea" in [u.account_id for u in page.users]


async def test_off_a_password_alone_is_enough() -> None:
    world = World(second_factor=OFF)
    world.manager("alice")

    page = await world.x.list_organisation_users(users_of(SIREN, actor("alice")), CONTEXT)

    assert [u.account_id for u in page.users] == ["alice"]


async def test_appointing_and_withdrawing_need_a_fresh_second_factor(world: World) -> None:
    stale = proved(actor("alice"), timedelta(minutes=16))

    with pytest.raises(StepUpRequired):
        await world.x.appoint_manager.appoint(hm.AppointManagerV1(actor=stale, siren=SIREN, account_id="bea"), CONTEXT)
    with pytest.raises(StepUpRequired):
        await world.x.appoint_manager.withdraw(
            hm.WithdrawManagerV1(actor=stale, siren=SIREN, account_id="carl"), CONTEXT
        )
    assert f"bea:{SIREN}" not in world.rights.items
    assert world.rights.items[f"carl:{SIREN}"].active

    recent = proved(actor("alice"), timedelta(minutes=14))
    await world.x.appoint_manager.appoint(hm.AppointManagerV1(actor=recent, siren=SIREN, account_id="bea"), CONTEXT)
    await world.x.appoint_manager.withdraw(hm.WithdrawManagerV1(actor=recent, siren=SIREN, account_id="carl"), CONTEXT)
    assert world.rights.items[f"bea:{SIREN}"].held
    assert not world.rights.items[f"carl:{SIREN}"].held


async def test_off_an_enrolled_manager_is_still_asked_to_confirm_before_appointing() -> None:
    world = World(second_factor=OFF)
    world.manager("alice")
    world.member("bea")
    command = hm.AppointManagerV1(actor=proved(actor("alice"), timedelta(hours=1)), siren=SIREN, account_id="bea")

    with pytest.raises(StepUpRequired):
        await world.x.appoint_manager.appoint(command, CONTEXT)

    # Not enrolled: nothing asked while the setting is off.
    plain = hm.AppointManagerV1(actor=actor("alice"), siren=SIREN, account_id="bea")
    await world.x.appoint_manager.appoint(plain, CONTEXT)
    assert world.rights.items[f"bea:{SIREN}"].held


def agents(second_factor: SecondFactorPolicy) -> InMemory:
    return InMemory(
        clock=ManualClock(AGENT_T0),
        accounts=FakeAccounts(account(AGENT.account_id, "Agnès", "Dreets")),
        directory=FakeDirectory(ESTABLISHMENT),
        second_factor=second_factor,
    )


async def test_required_an_agent_with_a_password_alone_is_refused() -> None:
    x = agents(ON).use_cases()

    with pytest.raises(SecondFactorRequired):
        await x.list_activation_codes(a.ListActivationCodesV1(actor=AGENT, siret=AGENT_SIRET), CONTEXT)
    with pytest.raises(SecondFactorRequired):
        await x.revoke_activation_code(a.RevokeActivationCodeV1(actor=AGENT, activation_code_id="c-1"), CONTEXT)

    listed = await x.list_activation_codes(
        a.ListActivationCodesV1(actor=proved(AGENT, now=AGENT_T0, ago=timedelta(hours=2)), siret=AGENT_SIRET), CONTEXT
    )
    assert listed.activation_codes == []


async def test_issuing_a_code_and_taking_its_letter_need_a_fresh_second_factor() -> None:
    fakes = agents(ON)
    x = fakes.use_cases()
    stale = proved(AGENT, timedelta(minutes=30), AGENT_T0)

    with pytest.raises(StepUpRequired):
        await x.issue_activation_code(a.IssueActivationCodeV1(actor=stale, service="ceres", siret=AGENT_SIRET), CONTEXT)
    assert fakes.codes.docs == {}

    recent = proved(AGENT, timedelta(minutes=1), AGENT_T0)
    issued = await x.issue_activation_code(
        a.IssueActivationCodeV1(actor=recent, service="ceres", siret=AGENT_SIRET), CONTEXT
    )
    fakes.clock.advance(timedelta(minutes=5))
    with pytest.raises(StepUpRequired):
        await x.get_activation_letter(a.GetActivationLetterV1(actor=stale, activation_code_id=issued.id), CONTEXT)
    # Refused before the letter's one download: the confirmed agent still gets it.
    letter = await x.get_activation_letter(a.GetActivationLetterV1(actor=recent, activation_code_id=issued.id), CONTEXT)
    assert letter.filename.endswith(".pdf")


async def test_off_an_agent_not_enrolled_issues_with_a_password_alone() -> None:
    x = agents(OFF).use_cases()

    issued = await x.issue_activation_code(
        a.IssueActivationCodeV1(actor=AGENT, service="ceres", siret=AGENT_SIRET), CONTEXT
    )

    assert issued.code


def summary(who: ActorV1) -> hm.GetAccessSummaryV1:
    return hm.GetAccessSummaryV1(actor=who)


async def test_the_summary_asks_agents_and_managers_appointed_ones_included_to_enrol(world: World) -> None:
    appointed = ManagerRight.appoint("bea", SIREN, "alice", T0, "act-1")
    world.rights.items[appointed.id] = appointed
    world.member("dan")

    flags = {
        who.account_id: (await world.x.get_access_summary(summary(who), CONTEXT)).second_factor_required
        for who in (actor("alice"), actor("bea"), actor("dan"), ActorV1(account_id="agent-1", kind="agent"))
    }

    assert flags == {"alice": True, "bea": True, "dan": False, "agent-1": True}


async def test_off_the_summary_asks_nobody() -> None:
    world = World(second_factor=OFF)
    world.manager("alice")

    assert not (await world.x.get_access_summary(summary(actor("alice")), CONTEXT)).second_factor_required
    agent = ActorV1(account_id="agent-1", kind="agent")
    assert not (await world.x.get_access_summary(summary(agent), CONTEXT)).second_factor_required
