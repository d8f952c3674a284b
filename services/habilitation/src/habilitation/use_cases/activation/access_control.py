"""Who may issue and follow activation codes: ministry agents."""

from contracts.habilitation import ActorV1
from habilitation.domain.activation_code import ActivationCode
from habilitation.domain.errors import Forbidden, NotFound
from habilitation.use_cases.activation.ports import ActivationCodes


def require_agent(actor: ActorV1) -> None:
    """Codes are issued and followed by ministry agents only (the gateway checks too)."""
    if actor.kind != "agent":
        raise Forbidden("Seuls les agents du ministère peuvent gérer les codes d'activation.")


async def agent_code(codes: ActivationCodes, actor: ActorV1, code_id: str) -> ActivationCode:
    """The code an agent names; 404 if there is none."""
    require_agent(actor)
    code = await codes.get(code_id)
    if code is None:
        raise NotFound("Ce code d'activation est introuvable.")
    return code
