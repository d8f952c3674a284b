"""Habilitation service: habilitations, users and access managers of an organisation — requests and replies."""

from typing import ClassVar, Generic, Literal

from pydantic import BaseModel, ConfigDict

from contracts.activation import CharterV1
from contracts.habilitation import ActorV1, HabilitationGrantV1, HabilitationV1, ManagerRightV1
from contracts.rpc import Request, ResultT


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class RoleV1(_Result):
    role: str
    label: str
    description: str


class RolesV1(_Result):
    roles: list[RoleV1]


class HabilitationsV1(_Result):
    habilitations: list[HabilitationV1]


class AccessSummaryV1(_Result):
    """What `GET /api/v1/me` shows of access management."""

    manager_of: list[str]
    habilitations: list[HabilitationV1]
    pending_access_requests_to_review: int
    # The person must enrol a second factor before using their right: an agent, or a manager (or one
    # appointed, awaiting the charter), while HABILITATION_SECOND_FACTOR_REQUIRED is on.
    second_factor_required: bool = False


class UserHabilitationV1(HabilitationV1):
    """A habilitation as the organisation's users views show it: with its establishment's name."""

    # From the directory: None for an establishment closed since.
    establishment_name: str | None = None


class OrganisationUserV1(_Result):
    account_id: str
    email: str
    civility: str | None
    last_name: str
    first_name: str
    job_title: str | None
    phone: str | None
    manager_right: ManagerRightV1 | None
    habilitations: list[UserHabilitationV1]
    # The raison sociale of the person's own organisation (a delegate's is another one), from the directory.
    organisation_name: str | None = None


class OrganisationUsersV1(_Result):
    users: list[OrganisationUserV1]
    # Added with paging: the sort key to ask `after` for the next page (None on the last page), and how
    # many users match the filters in all. Older replies lack them: one page holding everyone.
    next_after: list[str] | None = None
    total: int | None = None


class DoneV1(_Result):
    done: bool = True


class _ActorRequest(Request[ResultT], Generic[ResultT]):
    actor: ActorV1


class GetRolesV1(Request[RolesV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.get_roles.v1"
    kind: Literal["habilitation.get_roles.v1"] = "habilitation.get_roles.v1"
    service: str


class TermsV1(_Result):
    """The CGU of a digital service (Markdown), in the version accepting them records."""

    service: str
    version: str
    text: str


class GetTermsV1(Request[TermsV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.get_terms.v1"
    kind: Literal["habilitation.get_terms.v1"] = "habilitation.get_terms.v1"
    service: str


class GetCharterV1(Request[CharterV1]):
    """The access-manager charter in force (the one an activation shows)."""

    MESSAGE_TYPE: ClassVar[str] = "habilitation.get_charter.v1"
    kind: Literal["habilitation.get_charter.v1"] = "habilitation.get_charter.v1"


class AcceptTermsV1(_ActorRequest[DoneV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.accept_terms.v1"
    kind: Literal["habilitation.accept_terms.v1"] = "habilitation.accept_terms.v1"
    service: str


class GetAccessSummaryV1(_ActorRequest[AccessSummaryV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.get_access_summary.v1"
    kind: Literal["habilitation.get_access_summary.v1"] = "habilitation.get_access_summary.v1"


class ListMyHabilitationsV1(_ActorRequest[HabilitationsV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.list_my_habilitations.v1"
    kind: Literal["habilitation.list_my_habilitations.v1"] = "habilitation.list_my_habilitations.v1"


class AssignMyHabilitationV1(_ActorRequest[HabilitationV1]):
    """A manager gives themselves a habilitation on their organisation (after activation)."""

    MESSAGE_TYPE: ClassVar[str] = "habilitation.assign_my_habilitation.v1"
    kind: Literal["habilitation.assign_my_habilitation.v1"] = "habilitation.assign_my_habilitation.v1"
    grant: HabilitationGrantV1


class AddUserHabilitationV1(_ActorRequest[HabilitationV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.add_user_habilitation.v1"
    kind: Literal["habilitation.add_user_habilitation.v1"] = "habilitation.add_user_habilitation.v1"
    siren: str
    account_id: str
    grant: HabilitationGrantV1


class RevokeHabilitationV1(_ActorRequest[HabilitationV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.revoke_habilitation.v1"
    kind: Literal["habilitation.revoke_habilitation.v1"] = "habilitation.revoke_habilitation.v1"
    habilitation_id: str


class ListOrganisationUsersV1(_ActorRequest[OrganisationUsersV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.list_organisation_users.v1"
    kind: Literal["habilitation.list_organisation_users.v1"] = "habilitation.list_organisation_users.v1"
    siren: str
    role: str | None = None
    siret: str | None = None
    # Added with paging. `q`: a prefix of a word of the last or first name (case and accents ignored);
    # `after`: the `next_after` of the previous page (opaque); `limit`: page size, None for everyone
    # (what a caller that predates paging gets).
    q: str | None = None
    after: list[str] | None = None
    limit: int | None = None


class GetOrganisationUserV1(_ActorRequest[OrganisationUserV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.get_organisation_user.v1"
    kind: Literal["habilitation.get_organisation_user.v1"] = "habilitation.get_organisation_user.v1"
    siren: str
    account_id: str


class AppointManagerV1(_ActorRequest[OrganisationUserV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.appoint_manager.v1"
    kind: Literal["habilitation.appoint_manager.v1"] = "habilitation.appoint_manager.v1"
    siren: str
    account_id: str


class WithdrawManagerV1(_ActorRequest[DoneV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.withdraw_manager.v1"
    kind: Literal["habilitation.withdraw_manager.v1"] = "habilitation.withdraw_manager.v1"
    siren: str
    account_id: str


class DelegateHabilitationV1(_ActorRequest[HabilitationV1]):
    """Guide 001: a manager grants a person of another organisation a habilitation, until a date."""

    MESSAGE_TYPE: ClassVar[str] = "habilitation.delegate_habilitation.v1"
    kind: Literal["habilitation.delegate_habilitation.v1"] = "habilitation.delegate_habilitation.v1"
    siren: str
    email: str
    grant: HabilitationGrantV1
