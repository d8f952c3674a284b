"""The issuing agent downloads the letter of a code just issued: once, within minutes (it holds the code)."""

import base64
import logging

from contracts import activation as a
from contracts.activation import ActivationLetterV1
from efp_runtime.message_context import MessageContext
from habilitation.domain.activation_code import CodeState
from habilitation.domain.errors import NotFound
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.use_cases.activation.access_control import agent_code
from habilitation.use_cases.activation.issue_activation_code import LETTER_AVAILABLE_FOR
from habilitation.use_cases.activation.ports import ActivationCodes, ActivationLetters
from habilitation.use_cases.ports import Clock

logger = logging.getLogger(__name__)
GONE = (
    "Ce courrier n'est plus disponible : il ne peut être téléchargé qu'une fois, par l'agent qui a émis le code, "
    f"dans les {int(LETTER_AVAILABLE_FOR.total_seconds() // 60)} minutes qui suivent. "
    "Émettez un nouveau code pour obtenir un nouveau courrier."
)


class GetActivationLetter:
    def __init__(
        self, codes: ActivationCodes, letters: ActivationLetters, clock: Clock, second_factor: SecondFactorPolicy
    ) -> None:
        self._codes = codes
        self._letters = letters
        self._clock = clock
        self._second_factor = second_factor

    async def __call__(self, command: a.GetActivationLetterV1, context: MessageContext) -> ActivationLetterV1:
        code = await agent_code(self._codes, command.actor, command.activation_code_id, self._second_factor)
        # Step-up before the letter is taken (its one download): it holds the code in clear.
        self._second_factor.require_fresh(command.actor, self._clock())
        # A letter for a code revoked in the meantime would only mislead its reader.
        if code.state is not CodeState.ISSUED:
            raise NotFound(GONE)
        now = self._clock()
        pdf = await self._letters.take(code.id, command.actor.account_id, now)
        if pdf is None:
            raise NotFound(GONE)
        code.record_letter_download(command.actor.account_id, now)
        await self._codes.update(code, [])
        logger.info("agent %s took the letter of code %s (SIRET %s)", command.actor.account_id, code.id, code.siret)
        return ActivationLetterV1(
            filename=f"modalites-acces-{code.service}-{code.siret}.pdf",
            content_base64=base64.b64encode(pdf).decode("ascii"),
        )
