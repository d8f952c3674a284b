"""The identity RPC queues: translate each request to one use case, and refusals to replies."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from faststream.rabbit import RabbitMessage
from pydantic import BaseModel

from contracts import accounts as a
from contracts import identity as i
from contracts import invited_accounts as ia
from contracts import oidc as oi
from contracts import organisations as o
from contracts.identity_requests import IdentityRequest
from contracts.rpc import FieldError, PingV1, PongV1, Request, RpcError, RpcReply
from efp_runtime.message_context import MessageContext, context_of
from efp_runtime.rpc import INTERNAL_ERROR, refuse_redelivered
from identity.bootstrap import Identity
from identity.domain.errors import IdentityError

logger = logging.getLogger(__name__)
Handler = Callable[[Any, MessageContext], Awaitable[BaseModel]]


def _routes(identity: Identity) -> dict[type[Request], Handler]:
    """Which use case answers which request: one line each."""
    x = identity

    async def pong(_: PingV1, __: MessageContext) -> BaseModel:
        return PongV1(service="identity")

    return {
        PingV1: pong,
        i.CreateCaptchaV1: lambda r, c: x.create_captcha(),
        i.GetCaptchaImageV1: lambda r, c: x.get_captcha_image(r.captcha_id),
        i.GetCaptchaAudioV1: lambda r, c: x.get_captcha_audio(r.captcha_id),
        i.StartRegistrationV1: lambda r, c: x.start_registration(r.email, r.captcha_id, r.captcha_answer, c),
        i.VerifyRegistrationCodeV1: lambda r, c: x.verify_registration_code(r.registration_id, r.code, c),
        a.ResendRegistrationCodeV1: lambda r, c: x.resend_registration_code(r.registration_id, c),
        a.ChooseRegistrationPasswordV1: lambda r, c: x.choose_registration_password(r.registration_id, r.password),
        a.GiveRegistrationIdentityV1: lambda r, c: x.give_registration_identity(
            r.registration_id, r.civility, r.last_name, r.first_name
        ),
        a.GoBackInRegistrationV1: lambda r, c: x.go_back_in_registration(r.registration_id, r.step),
        a.CompleteRegistrationV1: lambda r, c: x.complete_registration(
            r.registration_id, r.siren, r.job_title, r.accept_terms, c
        ),
        o.SearchOrganisationsV1: lambda r, c: x.search_organisations(r.q, r.limit, r.after),
        o.GetOrganisationV1: lambda r, c: x.get_organisation(r.siren),
        a.LogInV1: lambda r, c: x.log_in(
            r.email, r.password, r.captcha_id, r.captcha_answer, r.client_ip, r.previous_session_token, c
        ),
        a.AuthenticateSessionV1: lambda r, c: x.authenticate_session(r.session_token),
        a.LogOutV1: lambda r, c: x.log_out(r.session_token),
        a.GetProfileV1: lambda r, c: x.get_profile(r.account_id),
        a.UpdateProfileV1: lambda r, c: x.update_profile(r.account_id, r.changes, c),
        a.RequestPasswordResetV1: lambda r, c: x.request_password_reset(r.email, r.captcha_id, r.captcha_answer, c),
        a.VerifyPasswordResetCodeV1: lambda r, c: x.verify_password_reset_code(r.reset_id, r.code),
        a.ResetPasswordV1: lambda r, c: x.reset_password(r.reset_id, r.password, c),
        a.ChangePasswordV1: lambda r, c: x.change_password(r.session_token, r.current_password, r.password, c),
        ia.CreateInvitedAccountV1: lambda r, c: x.create_invited_account(
            r.email, r.civility, r.last_name, r.first_name, r.job_title, r.siren, c
        ),
        oi.DescribeOidcClientV1: lambda r, c: x.oidc.describe_oidc_client(r),
        oi.IssueAuthorizationCodeV1: lambda r, c: x.oidc.issue_authorization_code(r),
        oi.ExchangeAuthorizationCodeV1: lambda r, c: x.oidc.exchange_authorization_code(r),
        oi.GetUserInfoV1: lambda r, c: x.oidc.get_user_info(r),
        oi.RevokeOidcTokenV1: lambda r, c: x.oidc.revoke_oidc_token(r),
        oi.GetSigningKeysV1: lambda r, c: x.oidc.get_signing_keys(),
        oi.CheckLogoutRequestV1: lambda r, c: x.oidc.check_logout_request(r),
    }


def make_rpc_handler(identity: Identity) -> Any:
    routes = _routes(identity)

    async def on_identity_request(request: IdentityRequest, message: RabbitMessage) -> RpcReply[Any]:
        context = context_of(message.message_id, message.correlation_id, message.headers)
        refuse_redelivered(message)
        try:
            return RpcReply(result=await routes[type(request)](request, context))
        except IdentityError as refused:
            return RpcReply(error=_error(refused))
        except Exception:
            # The caller is waiting: answer now. A redelivery would come after it gave up.
            logger.exception("identity request %s failed", request.kind)
            return RpcReply(error=INTERNAL_ERROR)

    return on_identity_request


def _error(refused: IdentityError) -> RpcError:
    return RpcError(
        code=refused.code,
        detail=refused.detail,
        errors=[FieldError(field=field, message=message) for field, message in refused.errors],
        retry_after_seconds=refused.retry_after_seconds,
    )
