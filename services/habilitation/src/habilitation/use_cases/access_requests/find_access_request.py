"""Load the access request a call names; someone with no business with it finds nothing."""

from contracts.habilitation import ActorV1
from habilitation.domain.access_request import AccessRequest
from habilitation.domain.errors import NotFound
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.use_cases.access_requests.ports import AccessRequests
from habilitation.use_cases.managers.access_control import manages
from habilitation.use_cases.ports import ManagerRights

NOT_FOUND = "Cette demande d'accès est introuvable."


async def find_own_request(requests: AccessRequests, actor: ActorV1, request_id: str) -> AccessRequest:
    request = await requests.get(request_id)
    if request is None or request.account_id != actor.account_id:
        raise NotFound(NOT_FOUND)
    return request


async def find_managed_request(
    requests: AccessRequests, rights: ManagerRights, actor: ActorV1, request_id: str, second_factor: SecondFactorPolicy
) -> AccessRequest:
    request = await requests.get(request_id)
    if request is None or not await manages(rights, actor, request.siren, second_factor):
        raise NotFound(NOT_FOUND)
    return request
