"""The snapshot of active habilitations for other ministry systems, with a service API key: the state a
new subscriber starts from before it follows the habilitation events (AsyncAPI document, « Rejoindre »)."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from contracts.authorizations import ActiveHabilitationsV1, ListActiveHabilitationsV1
from contracts.errors import ErrorCode
from contracts.rpc import FieldError
from gateway.problems import problem_response, problem_responses
from gateway.routes.bodies import siret_digits
from gateway.rpc import HABILITATION, Rpc
from gateway.service_keys import ServiceKeyRoute

router = APIRouter(prefix="/api/v1", tags=["Systèmes du ministère"], route_class=ServiceKeyRoute)
SIRET_LENGTH = 14


@router.get(
    "/habilitations",
    summary="Instantané des habilitations actives",
    response_model=ActiveHabilitationsV1,
    responses=problem_responses(401, 422, 503),
)
async def snapshot(
    rpc: Rpc,
    siret: Annotated[str | None, Query(min_length=14, max_length=20)] = None,
    after_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> ActiveHabilitationsV1 | JSONResponse:
    """Les habilitations actives, page par page (d'un établissement avec `siret`).

    Dans l'ordre des identifiants ; passez `next_after_id` en `after_id` pour la page suivante, jusqu'à
    ce qu'il soit nul. Pour suivre ensuite les événements sans rien manquer, liez votre file à
    `efp.events` avant de lire la première page (voir `/asyncapi.json`).
    """
    if siret is not None:
        siret = siret_digits(siret)
        if len(siret) != SIRET_LENGTH or not siret.isdigit():
            return problem_response(
                ErrorCode.VALIDATION_ERROR,
                "Certaines informations saisies sont invalides.",
                [FieldError(field="siret", message="Le SIRET doit comporter 14 chiffres.")],
            )
    query = ListActiveHabilitationsV1(siret=siret, after_id=after_id, limit=limit)
    return await rpc.call(HABILITATION, query)
