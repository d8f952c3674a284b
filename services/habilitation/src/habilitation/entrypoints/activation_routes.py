"""Which activation use case answers which request: one line each, merged into the service's route table.

The operators' command line (`efp-ops activation-codes`, broker user `operator`) acts for a named agent
without the agent's session, so without a second factor to show: its own access (the ops host and its
broker credentials) is what authenticates it, and its requests are answered by use cases built without
the second-factor policy (`Habilitation.for_operator`).
"""

from typing import Any

from contracts import activation as a
from contracts.rpc import Request
from efp_runtime.senders import OPERATOR
from efp_runtime.service import BySender, Route
from habilitation.composition import Habilitation


def activation_routes(x: Habilitation) -> dict[type[Request[Any]], Route]:
    ops = x.for_operator
    return {
        a.IssueActivationCodeV1: BySender(OPERATOR, ops.issue_activation_code, x.issue_activation_code),
        a.ListActivationCodesV1: BySender(OPERATOR, ops.list_activation_codes, x.list_activation_codes),
        a.RevokeActivationCodeV1: BySender(OPERATOR, ops.revoke_activation_code, x.revoke_activation_code),
        a.GetActivationLetterV1: BySender(OPERATOR, ops.get_activation_letter, x.get_activation_letter),
        a.StartActivationV1: x.start_activation,
        a.AcceptManagerCharterV1: x.accept_charter,
    }
