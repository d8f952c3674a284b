"""The authorization requests of the habilitation RPC queue, each to its use case (merged into `all_routes`)."""

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from pydantic import BaseModel

from contracts import authorizations as az
from contracts.rpc import Request
from efp_runtime.message_context import MessageContext
from habilitation.use_cases.check_authorization import CheckAuthorization
from habilitation.use_cases.list_active_habilitations import ListActiveHabilitations

Handler = Callable[[Any, MessageContext], Awaitable[BaseModel]]


class AuthorizationUseCases(Protocol):
    """The part of the service's container these routes use."""

    @property
    def check_authorization(self) -> CheckAuthorization: ...

    @property
    def list_active_habilitations(self) -> ListActiveHabilitations: ...


def authorization_routes(x: AuthorizationUseCases) -> dict[type[Request], Handler]:
    return {
        az.CheckAuthorizationV1: lambda r, c: x.check_authorization(r.account_id, r.service, r.role, r.siret),
        az.ListActiveHabilitationsV1: lambda r, c: x.list_active_habilitations(r.after_id, r.limit, r.siret),
    }
