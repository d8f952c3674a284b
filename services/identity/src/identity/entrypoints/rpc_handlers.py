"""The identity RPC queue: translate each request to one use case, and refusals to replies."""

import logging
from typing import Any

from faststream.rabbit import RabbitMessage
from pydantic import BaseModel

from contracts.identity import (
    CreateCaptchaV1,
    GetCaptchaImageV1,
    IdentityRequest,
    StartRegistrationV1,
    VerifyRegistrationCodeV1,
)
from contracts.rpc import FieldError, PingV1, PongV1, RpcError, RpcReply
from efp_runtime.message_context import context_of
from efp_runtime.rpc import INTERNAL_ERROR
from identity.bootstrap import Identity
from identity.domain.errors import IdentityError

logger = logging.getLogger(__name__)


def make_rpc_handler(identity: Identity) -> Any:
    async def on_identity_request(request: IdentityRequest, message: RabbitMessage) -> RpcReply[Any]:
        context = context_of(message.message_id, message.correlation_id, message.headers)
        try:
            result: BaseModel
            match request:
                case PingV1():
                    result = PongV1(service="identity")
                case CreateCaptchaV1():
                    result = await identity.create_captcha()
                case GetCaptchaImageV1(captcha_id=captcha_id):
                    result = await identity.get_captcha_image(captcha_id)
                case StartRegistrationV1():
                    result = await identity.start_registration(
                        request.email, request.captcha_id, request.captcha_answer, context
                    )
                case VerifyRegistrationCodeV1():
                    result = await identity.verify_registration_code(request.registration_id, request.code, context)
            return RpcReply(result=result)
        except IdentityError as refused:
            errors = [FieldError(field=refused.field, message=refused.detail)] if refused.field else []
            return RpcReply(error=RpcError(code=refused.code, detail=refused.detail, errors=errors))
        except Exception:
            # The caller is waiting: answer now. A redelivery would come after it gave up.
            logger.exception("identity request %s failed", request.kind)
            return RpcReply(error=INTERNAL_ERROR)

    return on_identity_request
