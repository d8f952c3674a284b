"""Passkey request options for the login's second step or a step-up; the challenge is kept on the session.

A pending session is refused by AuthenticateSession, so the gateway cannot check its CSRF token:
identity does, here and in ProveSecondFactor.
"""

from collections.abc import Callable
from datetime import datetime

from contracts.second_factor import PasskeyOptionsV1, StartSecondFactorChallengeV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import PasskeyUnavailable
from identity.domain.session import CHALLENGE_LIFETIME, Challenge
from identity.use_cases.second_factor.guards import proving_session
from identity.use_cases.second_factor.ports import PasskeyCeremonies, SecondFactorRepository
from identity.use_cases.sessions.ports import SessionRepository

NO_PASSKEY = "Aucune clé d'accès n'est enregistrée pour ce compte."


class StartSecondFactorChallenge:
    def __init__(
        self,
        sessions: SessionRepository,
        factors: SecondFactorRepository,
        ceremonies: PasskeyCeremonies,
        clock: Callable[[], datetime],
    ) -> None:
        self._sessions = sessions
        self._factors = factors
        self._ceremonies = ceremonies
        self._clock = clock

    async def __call__(self, request: StartSecondFactorChallengeV1, context: MessageContext) -> PasskeyOptionsV1:
        now = self._clock()
        session = await proving_session(self._sessions, request.session_token, request.csrf_token, now)
        factors = await self._factors.get(session.account_id)
        if not factors.passkeys:
            raise PasskeyUnavailable(NO_PASSKEY)
        options = self._ceremonies.authentication_options([p.id for p in factors.passkeys])
        await self._sessions.keep_challenge(session.id, Challenge(options.challenge, now + CHALLENGE_LIFETIME))
        return PasskeyOptionsV1(options=options.options_json)
