"""Every request the habilitation service answers, as one discriminated union (on `kind`)."""

from typing import Annotated

from pydantic import Field

from contracts import access_requests as ar
from contracts import authorizations as az
from contracts import habilitation_management as hm
from contracts.activation import ActivationRequest
from contracts.invitations import InvitationRequest
from contracts.rpc import PingV1

HabilitationRequest = Annotated[
    PingV1
    | ar.SubmitAccessRequestV1
    | ar.ListMyAccessRequestsV1
    | ar.ResendAccessRequestV1
    | ar.CancelAccessRequestV1
    | ar.ListOrganisationAccessRequestsV1
    | ar.AcceptAccessRequestV1
    | ar.RefuseAccessRequestV1
    | ar.GetAccessRequestV1
    | hm.GetRolesV1
    | hm.AcceptTermsV1
    | hm.GetTermsV1
    | hm.GetCharterV1
    | hm.GetAccessSummaryV1
    | hm.ListMyHabilitationsV1
    | hm.AssignMyHabilitationV1
    | hm.AddUserHabilitationV1
    | hm.RevokeHabilitationV1
    | hm.ListOrganisationUsersV1
    | hm.GetOrganisationUserV1
    | hm.AppointManagerV1
    | hm.WithdrawManagerV1
    | hm.DelegateHabilitationV1
    | ActivationRequest
    | InvitationRequest
    | az.CheckAuthorizationV1
    | az.ListActiveHabilitationsV1,
    Field(discriminator="kind"),
]
