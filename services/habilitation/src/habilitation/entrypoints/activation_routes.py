"""Which activation use case answers which request: one line each, merged into the service's route table."""

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from pydantic import BaseModel

from contracts import activation as a
from contracts.rpc import Request
from efp_runtime.message_context import MessageContext
from habilitation.use_cases.accept_charter import AcceptCharter
from habilitation.use_cases.get_activation_letter import GetActivationLetter
from habilitation.use_cases.issue_activation_code import IssueActivationCode
from habilitation.use_cases.list_activation_codes import ListActivationCodes
from habilitation.use_cases.revoke_activation_code import RevokeActivationCode
from habilitation.use_cases.start_activation import StartActivation

Handler = Callable[[Any, MessageContext], Awaitable[BaseModel]]


class ActivationUseCases(Protocol):
    """The attributes the wired container must have (bootstrap's dataclass satisfies it)."""

    @property
    def issue_activation_code(self) -> IssueActivationCode: ...

    @property
    def list_activation_codes(self) -> ListActivationCodes: ...

    @property
    def revoke_activation_code(self) -> RevokeActivationCode: ...

    @property
    def get_activation_letter(self) -> GetActivationLetter: ...

    @property
    def start_activation(self) -> StartActivation: ...

    @property
    def accept_charter(self) -> AcceptCharter: ...


def activation_routes(x: ActivationUseCases) -> dict[type[Request], Handler]:
    return {
        a.IssueActivationCodeV1: lambda r, c: x.issue_activation_code(r.actor, r.service, r.siret, c),
        a.ListActivationCodesV1: lambda r, c: x.list_activation_codes(r.actor, r.siret),
        a.RevokeActivationCodeV1: lambda r, c: x.revoke_activation_code(r.actor, r.activation_code_id, r.reason, c),
        a.GetActivationLetterV1: lambda r, c: x.get_activation_letter(r.actor, r.activation_code_id),
        a.StartActivationV1: lambda r, c: x.start_activation(r.actor, r.siret, r.activation_code, c),
        a.AcceptManagerCharterV1: lambda r, c: x.accept_charter(r.actor, r.activation_id, r.accept, c),
    }
