"""The authorization requests of the habilitation RPC queue, each to its use case (merged into `all_routes`)."""

from typing import Any

from contracts import authorizations as az
from contracts.rpc import Request
from efp_runtime.service import Route
from habilitation.composition import Habilitation


def authorization_routes(x: Habilitation) -> dict[type[Request[Any]], Route]:
    return {
        az.CheckAuthorizationV1: x.check_authorization,
        az.ListActiveHabilitationsV1: x.list_active_habilitations,
    }
