"""The habilitation RPC queue: which use case answers which request, one line each.

Every use case is called as `use_case(request, context)`: the request is its command. The kit's
`serve_requests` turns the table into the queue's handler (redelivery refused, refusals to replies).
"""

from typing import Any

from contracts import access_requests as ar
from contracts import habilitation_management as hm
from contracts import privacy as p
from contracts.rpc import PingV1, PongV1, Request
from efp_runtime.message_context import MessageContext
from efp_runtime.service import Route, serve_requests
from habilitation.composition import Habilitation
from habilitation.entrypoints.activation_routes import activation_routes
from habilitation.entrypoints.authorization_routes import authorization_routes
from habilitation.entrypoints.invitation_routes import invitation_routes

SERVICE = "habilitation"


async def pong(_: PingV1, __: MessageContext) -> PongV1:
    return PongV1(service=SERVICE)


def access_routes(x: Habilitation) -> dict[type[Request[Any]], Route]:
    """Access requests, habilitations, managers, the organisation's people and the catalogue's texts."""
    return {
        PingV1: pong,
        ar.SubmitAccessRequestV1: x.submit_access_request,
        ar.ListMyAccessRequestsV1: x.list_my_access_requests,
        ar.ResendAccessRequestV1: x.resend_access_request,
        ar.CancelAccessRequestV1: x.cancel_access_request,
        ar.ListOrganisationAccessRequestsV1: x.list_organisation_access_requests,
        ar.AcceptAccessRequestV1: x.accept_access_request,
        ar.RefuseAccessRequestV1: x.refuse_access_request,
        ar.GetAccessRequestV1: x.get_access_request,
        hm.GetRolesV1: x.get_roles,
        hm.AcceptTermsV1: x.accept_terms,
        hm.GetTermsV1: x.get_terms,
        hm.GetCharterV1: x.get_charter,
        hm.GetAccessSummaryV1: x.get_access_summary,
        hm.ListMyHabilitationsV1: x.list_my_habilitations,
        hm.AssignMyHabilitationV1: x.assign_habilitation.to_myself,
        hm.AddUserHabilitationV1: x.assign_habilitation.to_user,
        hm.RevokeHabilitationV1: x.revoke_habilitation,
        hm.ListOrganisationUsersV1: x.list_organisation_users,
        hm.GetOrganisationUserV1: x.list_organisation_users.one,
        hm.AppointManagerV1: x.appoint_manager.appoint,
        hm.WithdrawManagerV1: x.appoint_manager.withdraw,
        hm.DelegateHabilitationV1: x.delegate_habilitation,
        # A person's own data: identity asks before a deletion; the gateway's export.
        p.GetDeletionBlockersV1: x.get_deletion_blockers,
        p.ExportHabilitationDataV1: x.export_habilitation_data,
    }


def all_routes(habilitation: Habilitation) -> dict[type[Request[Any]], Route]:
    """The route table of every feature of the service."""
    return {
        **access_routes(habilitation),
        **activation_routes(habilitation),
        **invitation_routes(habilitation),
        **authorization_routes(habilitation),
    }


def make_rpc_handler(habilitation: Habilitation) -> Any:
    return serve_requests(SERVICE, all_routes(habilitation))
