"""The habilitation RPC queue: translate each request to one use case, and refusals to replies."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from faststream.rabbit import RabbitMessage
from pydantic import BaseModel

from contracts import access_requests as ar
from contracts import habilitation_management as hm
from contracts.habilitation_requests import HabilitationRequest
from contracts.rpc import FieldError, PingV1, PongV1, Request, RpcError, RpcReply
from efp_runtime.message_context import MessageContext, context_of
from efp_runtime.rpc import INTERNAL_ERROR, refuse_redelivered
from habilitation.bootstrap import Habilitation
from habilitation.domain.errors import HabilitationError
from habilitation.entrypoints.activation_routes import activation_routes
from habilitation.entrypoints.authorization_routes import authorization_routes
from habilitation.entrypoints.invitation_routes import invitation_routes

logger = logging.getLogger(__name__)
Handler = Callable[[Any, MessageContext], Awaitable[BaseModel]]


def _routes(x: Habilitation) -> dict[type[Request], Handler]:
    """Which use case answers which request: one line each."""

    async def pong(_: PingV1, __: MessageContext) -> BaseModel:
        return PongV1(service="habilitation")

    return {
        PingV1: pong,
        ar.SubmitAccessRequestV1: lambda r, c: x.submit_access_request(r.actor, r.service, r.siret, r.message, c),
        ar.ListMyAccessRequestsV1: lambda r, c: x.list_my_access_requests(r.actor),
        ar.ResendAccessRequestV1: lambda r, c: x.resend_access_request(r.actor, r.access_request_id, c),
        ar.CancelAccessRequestV1: lambda r, c: x.cancel_access_request(r.actor, r.access_request_id, c),
        ar.ListOrganisationAccessRequestsV1: lambda r, c: x.list_organisation_access_requests(
            r.actor, r.siren, r.status, r.siret, r.q, r.after, r.limit
        ),
        ar.AcceptAccessRequestV1: lambda r, c: x.accept_access_request(
            r.actor, r.access_request_id, list(r.habilitations), c
        ),
        ar.RefuseAccessRequestV1: lambda r, c: x.refuse_access_request(r.actor, r.access_request_id, r.reason, c),
        ar.GetAccessRequestV1: lambda r, c: x.get_access_request(r.actor, r.access_request_id),
        hm.GetRolesV1: lambda r, c: x.get_roles(r.service),
        hm.AcceptTermsV1: lambda r, c: x.accept_terms(r.actor, r.service),
        hm.GetTermsV1: lambda r, c: x.get_terms(r.service),
        hm.GetCharterV1: lambda r, c: x.get_charter(),
        hm.GetAccessSummaryV1: lambda r, c: x.get_access_summary(r.actor),
        hm.ListMyHabilitationsV1: lambda r, c: x.list_my_habilitations(r.actor),
        hm.AssignMyHabilitationV1: lambda r, c: x.assign_habilitation.to_myself(r.actor, r.grant, c),
        hm.AddUserHabilitationV1: lambda r, c: x.assign_habilitation.to_user(
            r.actor, r.siren, r.account_id, r.grant, c
        ),
        hm.RevokeHabilitationV1: lambda r, c: x.revoke_habilitation(r.actor, r.habilitation_id, c),
        hm.ListOrganisationUsersV1: lambda r, c: x.list_organisation_users(
            r.actor, r.siren, r.role, r.siret, r.q, r.after, r.limit
        ),
        hm.GetOrganisationUserV1: lambda r, c: x.list_organisation_users.one(r.actor, r.siren, r.account_id),
        hm.AppointManagerV1: lambda r, c: x.appoint_manager.appoint(r.actor, r.siren, r.account_id, c),
        hm.WithdrawManagerV1: lambda r, c: x.appoint_manager.withdraw(r.actor, r.siren, r.account_id, c),
        hm.DelegateHabilitationV1: lambda r, c: x.delegate_habilitation(r.actor, r.siren, r.email, r.grant, c),
    }


def all_routes(habilitation: Habilitation) -> dict[type[Request], Handler]:
    """The route table of every feature of the service."""
    return {
        **_routes(habilitation),
        **activation_routes(habilitation),
        **invitation_routes(habilitation),
        **authorization_routes(habilitation),
    }


def make_rpc_handler(habilitation: Habilitation) -> Any:
    routes = all_routes(habilitation)

    async def on_habilitation_request(request: HabilitationRequest, message: RabbitMessage) -> RpcReply[Any]:
        context = context_of(message.message_id, message.correlation_id, message.headers)
        refuse_redelivered(message)
        try:
            return RpcReply(result=await routes[type(request)](request, context))
        except HabilitationError as refused:
            return RpcReply(error=_error(refused))
        except Exception:
            # The caller is waiting: answer now. A redelivery would come after it gave up.
            logger.exception("habilitation request %s failed", request.kind)
            return RpcReply(error=INTERNAL_ERROR)

    return on_habilitation_request


def _error(refused: HabilitationError) -> RpcError:
    errors = [FieldError(field=refused.field, message=refused.detail)] if refused.field else []
    return RpcError(
        code=refused.code,
        detail=refused.detail,
        errors=errors,
        retry_after_seconds=refused.retry_after_seconds,
        details=refused.extra,
    )
