"""Guide 000 §3.2, steps 15–16: a logged-in user enters SIRET + activation code, and is shown the charter.

The code is checked here but redeemed only when the charter is accepted (accept_charter.py).
Wrong codes are counted per SIRET (not per account: an attacker has many accounts, the code
has one SIRET); past the limit every try on that SIRET is refused until the window ends,
even a right one, so guessing stays at 5 per hour.
"""

import math
import uuid

from contracts import activation as a
from contracts.activation import ActivationStartedV1, CharterV1
from efp_runtime.message_context import MessageContext
from habilitation.domain.activation import Activation
from habilitation.domain.activation_code import (
    MAX_WRONG_CODES,
    WRONG_CODES_WINDOW,
    ActivationCodeExpired,
    normalize_code,
)
from habilitation.domain.catalogue import CHARTER_VERSION
from habilitation.domain.errors import Conflict, Forbidden, InvalidActivationCode, InvalidInput, RateLimited
from habilitation.domain.siret import normalize_siret
from habilitation.use_cases.activation.expire_activation_codes import record_expiry
from habilitation.use_cases.activation.ports import (
    ActivationAttempts,
    ActivationCodes,
    Activations,
    CharterText,
    CodeHasher,
)
from habilitation.use_cases.ports import Clock, ManagerRights

ALREADY_MANAGER = "Vous êtes déjà responsable des accès de cette structure."


def attempts_key(siret: str) -> str:
    return f"activation:{siret}"


class StartActivation:
    def __init__(
        self,
        codes: ActivationCodes,
        activations: Activations,
        rights: ManagerRights,
        attempts: ActivationAttempts,
        hasher: CodeHasher,
        charter: CharterText,
        clock: Clock,
    ) -> None:
        self._codes = codes
        self._activations = activations
        self._rights = rights
        self._attempts = attempts
        self._hasher = hasher
        self._charter = charter
        self._clock = clock

    async def __call__(self, command: a.StartActivationV1, context: MessageContext) -> ActivationStartedV1:
        siret = command.siret
        if command.actor.kind != "user":
            raise Forbidden("Un agent du ministère ne peut pas devenir responsable des accès d'une structure.")
        compact = normalize_siret(siret)
        if compact is None:
            raise InvalidInput("Le SIRET doit comporter 14 chiffres.", field="siret")
        typed = normalize_code(command.activation_code)
        if typed is None:
            # Cannot be any code: a typing slip, not a guess, so it is not counted.
            raise InvalidInput(
                "Le code d'activation comporte 12 lettres et chiffres, tels qu'imprimés sur le courrier.",
                field="activation_code",
            )
        now = self._clock()
        key = attempts_key(compact)
        failures, window_end = await self._attempts.failures(key, WRONG_CODES_WINDOW, now)
        if failures >= MAX_WRONG_CODES:
            wait = max(1, math.ceil((window_end - now).total_seconds()))
            raise RateLimited(
                f"Trop de codes erronés pour ce SIRET. Réessayez dans {math.ceil(wait / 60)} minute(s).",
                retry_after_seconds=wait,
            )
        code = await self._codes.find(self._hasher.hash(compact, typed))
        if code is None or code.siret != compact:
            await self._attempts.record_failure(key, WRONG_CODES_WINDOW, now)
            raise InvalidActivationCode(field="activation_code")
        if code.is_due(now):
            await record_expiry(self._codes, code, now, context)
            raise ActivationCodeExpired()
        code.check_redeemable(now)
        # The code makes its holder manager of the code's organisation: only one of its own people.
        if command.actor.siren != code.siren:
            raise Forbidden("Ce code d'activation concerne une autre structure que celle de votre compte.")
        right = await self._rights.get(command.actor.account_id, code.siren)
        if right is not None and right.active:
            raise Conflict(ALREADY_MANAGER)
        activation = Activation.start(
            id=str(uuid.uuid4()),
            account_id=command.actor.account_id,
            activation_code_id=code.id,
            service=code.service,
            siret=code.siret,
            siren=code.siren,
            organisation_name=code.organisation_name,
            charter_version=CHARTER_VERSION,
            started_at=now,
        )
        await self._activations.add(activation)
        return ActivationStartedV1(
            activation_id=activation.id,
            charter=CharterV1(version=CHARTER_VERSION, text=self._charter.text(CHARTER_VERSION)),
        )
