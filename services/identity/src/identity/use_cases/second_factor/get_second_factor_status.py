"""« Mon compte »: which second factors the account has."""

from collections.abc import Callable
from datetime import datetime

from contracts.second_factor import GetSecondFactorStatusV1, SecondFactorStatusV1
from efp_runtime.message_context import MessageContext
from identity.use_cases.second_factor.guards import active_session
from identity.use_cases.second_factor.ports import SecondFactorRepository
from identity.use_cases.second_factor.views import status_of
from identity.use_cases.sessions.ports import SessionRepository


class GetSecondFactorStatus:
    def __init__(
        self, sessions: SessionRepository, factors: SecondFactorRepository, clock: Callable[[], datetime]
    ) -> None:
        self._sessions = sessions
        self._factors = factors
        self._clock = clock

    async def __call__(self, request: GetSecondFactorStatusV1, context: MessageContext) -> SecondFactorStatusV1:
        session = await active_session(self._sessions, request.session_token, self._clock())
        return status_of(await self._factors.get(session.account_id))
