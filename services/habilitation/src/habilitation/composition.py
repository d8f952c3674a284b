"""Which use case gets which adapters: `use_cases(adapters, clock, links)`, the second step of the composition root.

It names no concrete adapter: `bootstrap.adapters_from` gives the real ones, `habilitation.fakes` in-memory
ones (unit tests, the wiring test, anything that needs the service without its database).
"""

from collections.abc import Callable
from dataclasses import dataclass

from efp_runtime.clock import system_clock
from habilitation.domain.access_request import DEFAULT_LIMITS, RequestLimits
from habilitation.domain.activation_code import DEFAULT_VALIDITY_MONTHS
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.use_cases.access_requests.cancel_access_request import CancelAccessRequest
from habilitation.use_cases.access_requests.decide_access_request import AcceptAccessRequest, RefuseAccessRequest
from habilitation.use_cases.access_requests.get_access_request import GetAccessRequest
from habilitation.use_cases.access_requests.list_access_requests import (
    ListMyAccessRequests,
    ListOrganisationAccessRequests,
)
from habilitation.use_cases.access_requests.ports import AccessRequests
from habilitation.use_cases.access_requests.resend_access_request import ResendAccessRequest
from habilitation.use_cases.access_requests.submit_access_request import SubmitAccessRequest
from habilitation.use_cases.activation.accept_charter import AcceptCharter
from habilitation.use_cases.activation.expire_activation_codes import ExpireActivationCodes
from habilitation.use_cases.activation.get_activation_letter import GetActivationLetter
from habilitation.use_cases.activation.get_charter import GetCharter
from habilitation.use_cases.activation.issue_activation_code import IssueActivationCode
from habilitation.use_cases.activation.list_activation_codes import ListActivationCodes
from habilitation.use_cases.activation.ports import (
    ActivationAttempts,
    ActivationCodes,
    ActivationLetters,
    Activations,
    CharterText,
    CodeHasher,
    LetterRenderer,
)
from habilitation.use_cases.activation.revoke_activation_code import RevokeActivationCode
from habilitation.use_cases.activation.start_activation import StartActivation
from habilitation.use_cases.catalogue.accept_terms import AcceptTerms
from habilitation.use_cases.catalogue.get_roles import GetRoles
from habilitation.use_cases.catalogue.get_terms import GetTerms
from habilitation.use_cases.catalogue.ports import TermsAcceptances, TermsText
from habilitation.use_cases.habilitations.assign_habilitation import AssignHabilitation
from habilitation.use_cases.habilitations.check_authorization import CheckAuthorization
from habilitation.use_cases.habilitations.delegate_habilitation import DelegateHabilitation
from habilitation.use_cases.habilitations.grant_habilitations import GrantHabilitations
from habilitation.use_cases.habilitations.list_active_habilitations import ListActiveHabilitations
from habilitation.use_cases.habilitations.list_my_habilitations import ListMyHabilitations
from habilitation.use_cases.habilitations.ports import ActiveHabilitations, HabilitationSweep
from habilitation.use_cases.habilitations.revoke_habilitation import RevokeHabilitation
from habilitation.use_cases.habilitations.sweep_habilitations import SweepHabilitations
from habilitation.use_cases.invitations.accept_invitation import AcceptInvitation
from habilitation.use_cases.invitations.invite_user import InviteUser
from habilitation.use_cases.invitations.list_invitations import ListInvitations
from habilitation.use_cases.invitations.ports import Invitations, InvitationSweep, InvitedAccounts
from habilitation.use_cases.invitations.resend_invitation import ResendInvitation
from habilitation.use_cases.invitations.revoke_invitation import RevokeInvitation
from habilitation.use_cases.invitations.sweep_invitations import SweepInvitations
from habilitation.use_cases.links import Links
from habilitation.use_cases.managers.appoint_manager import AppointManager
from habilitation.use_cases.organisation.get_access_summary import GetAccessSummary
from habilitation.use_cases.organisation.list_organisation_users import ListOrganisationUsers
from habilitation.use_cases.organisation.ports import UserListing
from habilitation.use_cases.organisation.record_account import RecordAccount
from habilitation.use_cases.ports import Accounts, Clock, Directory, Habilitations, ManagerRights
from habilitation.use_cases.privacy.export_habilitation_data import ExportHabilitationData
from habilitation.use_cases.privacy.forget_account import ForgetAccount
from habilitation.use_cases.privacy.get_deletion_blockers import GetDeletionBlockers

# The production frontend: what e-mails link to when no settings say otherwise.
DEFAULT_LINKS = Links("https://efpconnect.emploi.gouv.fr")


@dataclass(frozen=True)
class Adapters:
    """What the use cases need from the outside world."""

    habilitations: Habilitations
    rights: ManagerRights
    requests: AccessRequests
    # The account copies as the identity events keep them, and the same asking identity when a copy is missing.
    copies: Accounts
    accounts: Accounts
    directory: Directory
    listing: UserListing
    invitations: Invitations
    invitation_sweep: InvitationSweep
    invited_accounts: InvitedAccounts
    habilitation_sweep: HabilitationSweep
    active_habilitations: ActiveHabilitations
    codes: ActivationCodes
    activations: Activations
    attempts: ActivationAttempts
    letters: ActivationLetters
    code_hasher: CodeHasher
    # Fresh activation codes: random in production, told in advance in tests.
    new_code: Callable[[], str]
    letter_renderer: LetterRenderer
    charter: CharterText
    terms: TermsText
    terms_acceptances: TermsAcceptances


@dataclass(frozen=True)
class AgentCodes:
    """The agents' activation-code use cases, for the operators' requests (see entrypoints.activation_routes)."""

    issue_activation_code: IssueActivationCode
    list_activation_codes: ListActivationCodes
    revoke_activation_code: RevokeActivationCode
    get_activation_letter: GetActivationLetter


def agent_codes(x: Adapters, clock: Clock, second_factor: SecondFactorPolicy, validity_months: int) -> AgentCodes:
    return AgentCodes(
        issue_activation_code=IssueActivationCode(
            x.codes,
            x.letters,
            x.directory,
            x.code_hasher,
            x.letter_renderer,
            clock,
            second_factor,
            validity_months,
            x.new_code,
        ),
        list_activation_codes=ListActivationCodes(x.codes, x.accounts, x.directory, clock, second_factor),
        revoke_activation_code=RevokeActivationCode(x.codes, x.accounts, x.directory, clock, second_factor),
        get_activation_letter=GetActivationLetter(x.codes, x.letters, clock, second_factor),
    )


@dataclass(frozen=True)
class Habilitation:
    """The service's wired use cases: what the entrypoints call."""

    record_account: RecordAccount
    submit_access_request: SubmitAccessRequest
    list_my_access_requests: ListMyAccessRequests
    resend_access_request: ResendAccessRequest
    cancel_access_request: CancelAccessRequest
    list_organisation_access_requests: ListOrganisationAccessRequests
    accept_access_request: AcceptAccessRequest
    refuse_access_request: RefuseAccessRequest
    get_access_request: GetAccessRequest
    get_roles: GetRoles
    accept_terms: AcceptTerms
    get_terms: GetTerms
    get_charter: GetCharter
    get_access_summary: GetAccessSummary
    list_my_habilitations: ListMyHabilitations
    assign_habilitation: AssignHabilitation
    revoke_habilitation: RevokeHabilitation
    list_organisation_users: ListOrganisationUsers
    appoint_manager: AppointManager
    delegate_habilitation: DelegateHabilitation
    issue_activation_code: IssueActivationCode
    list_activation_codes: ListActivationCodes
    revoke_activation_code: RevokeActivationCode
    get_activation_letter: GetActivationLetter
    start_activation: StartActivation
    accept_charter: AcceptCharter
    expire_activation_codes: ExpireActivationCodes
    invite_user: InviteUser
    list_invitations: ListInvitations
    resend_invitation: ResendInvitation
    revoke_invitation: RevokeInvitation
    accept_invitation: AcceptInvitation
    sweep_invitations: SweepInvitations
    sweep_habilitations: SweepHabilitations
    check_authorization: CheckAuthorization
    list_active_habilitations: ListActiveHabilitations
    get_deletion_blockers: GetDeletionBlockers
    forget_account: ForgetAccount
    export_habilitation_data: ExportHabilitationData
    # The same code use cases without the second-factor policy: the operator's command line has no session.
    for_operator: AgentCodes


def use_cases(
    adapters: Adapters,
    clock: Clock = system_clock,
    links: Links = DEFAULT_LINKS,
    code_validity_months: int = DEFAULT_VALIDITY_MONTHS,
    request_limits: RequestLimits = DEFAULT_LIMITS,
    *,
    second_factor: SecondFactorPolicy,
) -> Habilitation:
    """`second_factor`: what managers and agents must prove (on in production; the fakes turn it off)."""
    x, sf = adapters, second_factor
    grants = GrantHabilitations(x.habilitations, x.directory, x.accounts, clock)
    users = ListOrganisationUsers(x.accounts, x.habilitations, x.rights, x.directory, x.listing, clock, sf)
    codes = agent_codes(x, clock, sf, code_validity_months)
    return Habilitation(
        # Events write the plain copies: no point asking identity about what it just announced.
        record_account=RecordAccount(x.copies),
        submit_access_request=SubmitAccessRequest(
            x.requests, x.rights, x.habilitations, x.accounts, x.directory, links, clock, request_limits
        ),
        list_my_access_requests=ListMyAccessRequests(x.requests, x.accounts),
        resend_access_request=ResendAccessRequest(x.requests, x.rights, x.accounts, links, clock),
        cancel_access_request=CancelAccessRequest(x.requests, x.accounts, clock),
        list_organisation_access_requests=ListOrganisationAccessRequests(
            x.requests, x.rights, x.accounts, x.listing, sf
        ),
        accept_access_request=AcceptAccessRequest(x.requests, x.rights, x.accounts, grants, links, clock, sf),
        refuse_access_request=RefuseAccessRequest(x.requests, x.rights, x.accounts, links, clock, sf),
        get_access_request=GetAccessRequest(x.requests, x.rights, x.accounts, sf),
        get_roles=GetRoles(),
        accept_terms=AcceptTerms(x.terms_acceptances, clock),
        get_terms=GetTerms(x.terms),
        get_charter=GetCharter(x.charter),
        get_access_summary=GetAccessSummary(x.habilitations, x.rights, x.requests, x.accounts, clock, sf),
        list_my_habilitations=ListMyHabilitations(x.habilitations, x.accounts),
        assign_habilitation=AssignHabilitation(x.rights, x.accounts, x.directory, grants, links, sf),
        revoke_habilitation=RevokeHabilitation(x.habilitations, x.rights, x.accounts, x.directory, links, clock, sf),
        list_organisation_users=users,
        appoint_manager=AppointManager(x.rights, x.activations, x.accounts, x.directory, users, links, clock, sf),
        delegate_habilitation=DelegateHabilitation(x.rights, x.accounts, grants, links, sf),
        issue_activation_code=codes.issue_activation_code,
        list_activation_codes=codes.list_activation_codes,
        revoke_activation_code=codes.revoke_activation_code,
        get_activation_letter=codes.get_activation_letter,
        start_activation=StartActivation(x.codes, x.activations, x.rights, x.attempts, x.code_hasher, x.charter, clock),
        accept_charter=AcceptCharter(x.codes, x.activations, x.rights, x.accounts, links, clock),
        expire_activation_codes=ExpireActivationCodes(x.codes, clock),
        invite_user=InviteUser(
            x.invitations, x.rights, x.accounts, x.invited_accounts, x.habilitations, grants, links, clock, sf
        ),
        list_invitations=ListInvitations(x.invitations, x.rights, x.accounts, clock, sf),
        resend_invitation=ResendInvitation(x.invitations, x.rights, x.accounts, x.directory, links, clock, sf),
        revoke_invitation=RevokeInvitation(x.invitations, x.rights, x.accounts, clock, sf),
        accept_invitation=AcceptInvitation(x.invitations, x.rights, x.accounts, grants, clock),
        sweep_invitations=SweepInvitations(x.invitation_sweep, clock),
        sweep_habilitations=SweepHabilitations(
            x.habilitation_sweep, x.habilitations, x.rights, x.accounts, x.directory, links, clock
        ),
        check_authorization=CheckAuthorization(x.habilitations, clock),
        list_active_habilitations=ListActiveHabilitations(x.active_habilitations),
        get_deletion_blockers=GetDeletionBlockers(x.rights, x.activations),
        # The copies, not the RPC-backed accounts: a deleted person is not to be asked for.
        forget_account=ForgetAccount(x.copies, x.habilitations, x.rights, x.requests, x.invitations, clock),
        export_habilitation_data=ExportHabilitationData(
            x.habilitations, x.rights, x.requests, x.invitations, x.accounts, clock
        ),
        for_operator=agent_codes(x, clock, SecondFactorPolicy(required=False), code_validity_months),
    )
