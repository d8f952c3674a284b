"""Another ministry system asks whether an account holds a role on an establishment: the store's answer.

The gateway answers from its own copy (kept by our events); it asks here only until that copy is loaded.
"""

from datetime import date

from contracts import authorizations as az
from contracts.authorizations import AuthorizationV1
from efp_runtime.message_context import MessageContext
from habilitation.use_cases.ports import Clock, Habilitations


class CheckAuthorization:
    def __init__(self, habilitations: Habilitations, clock: Clock) -> None:
        self._habilitations = habilitations
        self._clock = clock

    async def __call__(self, command: az.CheckAuthorizationV1, context: MessageContext) -> AuthorizationV1:
        today = self._clock().date()
        held = [
            h
            for h in await self._habilitations.of_account(command.account_id)
            if (h.service, h.role, h.siret) == (command.service, command.role, command.siret) and h.allows(today)
        ]
        if not held:
            return AuthorizationV1(allowed=False)
        # Several at once (one past its end date is not among them): the one lasting longest answers.
        longest = max(held, key=lambda h: h.end_date or date.max)
        return AuthorizationV1(allowed=True, habilitation_id=longest.id, end_date=longest.end_date)
