"""Which activation use case answers which request: one line each, merged into the service's route table."""

from typing import Any

from contracts import activation as a
from contracts.rpc import Request
from efp_runtime.service import Route
from habilitation.composition import Habilitation


def activation_routes(x: Habilitation) -> dict[type[Request[Any]], Route]:
    return {
        a.IssueActivationCodeV1: x.issue_activation_code,
        a.ListActivationCodesV1: x.list_activation_codes,
        a.RevokeActivationCodeV1: x.revoke_activation_code,
        a.GetActivationLetterV1: x.get_activation_letter,
        a.StartActivationV1: x.start_activation,
        a.AcceptManagerCharterV1: x.accept_charter,
    }
