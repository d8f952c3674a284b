"""Who may issue and follow activation codes: ministry agents, each for the establishments of their
région (an agent with none, as the central administration's, acts nationwide), with a second factor
while the policy asks one."""

import logging

from contracts.habilitation import ActorV1
from habilitation.domain.activation_code import ActivationCode
from habilitation.domain.errors import Forbidden, NotFound
from habilitation.domain.region import REGIONS, region_code, region_of_establishment
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.use_cases.activation.ports import ActivationCodes
from habilitation.use_cases.ports import Directory, Establishment

logger = logging.getLogger(__name__)
UNKNOWN_REGION = (
    "La région de votre compte d'agent n'est pas reconnue : les codes d'activation ne peuvent pas être gérés. "
    "Demandez à un administrateur de la corriger."
)


def require_agent(actor: ActorV1, second_factor: SecondFactorPolicy) -> None:
    """Codes are issued and followed by ministry agents only (the gateway checks too)."""
    if actor.kind != "agent":
        raise Forbidden("Seuls les agents du ministère peuvent gérer les codes d'activation.")
    second_factor.require_proved(actor)


async def agent_code(
    codes: ActivationCodes, actor: ActorV1, code_id: str, second_factor: SecondFactorPolicy
) -> ActivationCode:
    """The code an agent names; 404 if there is none."""
    require_agent(actor, second_factor)
    code = await codes.get(code_id)
    if code is None:
        raise NotFound("Ce code d'activation est introuvable.")
    return code


def require_region(actor: ActorV1, establishment: Establishment) -> None:
    """An agent of a région acts only on establishments located there; one without acts nationwide."""
    if actor.region is None:
        return
    own = region_code(actor.region)
    if own is None:
        raise Forbidden(UNKNOWN_REGION)
    where = region_of_establishment(establishment.commune_code, establishment.postcode)
    if where != own:
        logger.warning(
            "agent %s (région %s) refused on SIRET %s (région %s)", actor.account_id, own, establishment.siret, where
        )
        raise Forbidden(
            f"Cet établissement n'est pas situé dans votre région ({REGIONS[own]}) : "
            "son code d'activation est géré par les agents de sa région."
        )


async def agent_code_in_region(
    codes: ActivationCodes, directory: Directory, actor: ActorV1, code_id: str, second_factor: SecondFactorPolicy
) -> ActivationCode:
    """`agent_code`, and the code's establishment in the agent's région."""
    code = await agent_code(codes, actor, code_id, second_factor)
    await require_region_of_siret(directory, actor, code.siret)
    return code


async def require_region_of_siret(directory: Directory, actor: ActorV1, siret: str) -> None:
    if actor.region is None:
        return
    establishment = await directory.establishment(siret)
    # Closed or gone from the directory: its région cannot be told, so a regional agent may not act.
    if establishment is None:
        raise Forbidden("Cet établissement est introuvable ou fermé : sa région ne peut pas être vérifiée.")
    require_region(actor, establishment)
