"""Whether what the person gave proves a second factor: a TOTP code, a recovery code or a passkey assertion.

Each single use is spent by the store in one conditional write (the TOTP step, the recovery code, the
passkey's sign count, the session's challenge), so of two concurrent uses of one proof only one passes.
Anything wrong raises WrongSecondFactor, which the caller counts against the budgets.
"""

from datetime import datetime

from contracts.second_factor import ProveSecondFactorV1
from identity.domain import totp
from identity.domain.errors import InvalidInput, PasskeyUnavailable, WrongSecondFactor
from identity.domain.second_factor import SecondFactors, canonical_recovery_code, recovery_scope
from identity.domain.session import AMR_HARDWARE_KEY, AMR_OTP, Session
from identity.use_cases.codes.ports import SecretHasher
from identity.use_cases.second_factor.ports import PasskeyCeremonies, SecondFactorRepository, SecretBox
from identity.use_cases.sessions.ports import SessionRepository


class CheckSecondFactor:
    def __init__(
        self,
        sessions: SessionRepository,
        factors: SecondFactorRepository,
        box: SecretBox,
        hasher: SecretHasher,
        ceremonies: PasskeyCeremonies,
    ) -> None:
        self._sessions = sessions
        self._factors = factors
        self._box = box
        self._hasher = hasher
        self._ceremonies = ceremonies

    async def __call__(
        self, request: ProveSecondFactorV1, session: Session, factors: SecondFactors, now: datetime
    ) -> str:
        """The amr value the proof adds ("otp" or "hwk"); raises WrongSecondFactor."""
        if request.method == "passkey":
            await self._passkey(request.credential, session, factors, now)
            return AMR_HARDWARE_KEY
        if not request.code:
            raise InvalidInput("Veuillez saisir le code.", field="code")
        if request.method == "totp":
            await self._totp(request.code, factors, now)
        else:
            await self._recovery_code(request.code, factors)
        return AMR_OTP

    async def _totp(self, code: str, factors: SecondFactors, now: datetime) -> None:
        active = factors.totp
        if active is None:
            raise WrongSecondFactor(field="code")
        step = totp.matching_step(self._box.open(active.sealed_secret), code, now.timestamp(), active.last_step)
        # The read `last_step` filters plain replays; the conditional write, concurrent ones.
        if step is None or not await self._factors.accept_totp_step(factors.account_id, active.sealed_secret, step):
            raise WrongSecondFactor(field="code")

    async def _recovery_code(self, code: str, factors: SecondFactors) -> None:
        code_hash = self._hasher.hash(recovery_scope(factors.account_id), canonical_recovery_code(code))
        if not await self._factors.use_recovery_code(factors.account_id, code_hash):
            raise WrongSecondFactor(field="code")

    async def _passkey(self, credential: str | None, session: Session, factors: SecondFactors, now: datetime) -> None:
        if not credential:
            raise InvalidInput("La réponse de la clé d'accès est absente.", field="credential")
        # Taken in the same write that reads it: a challenge serves one answer, right or wrong.
        challenge = await self._sessions.take_challenge(session.id)
        if challenge is None or not challenge.valid(now):
            raise PasskeyUnavailable()
        passkey = factors.passkey(self._ceremonies.credential_id_of(credential))
        if passkey is None:
            raise WrongSecondFactor("Cette clé d'accès n'est pas enregistrée pour ce compte.")
        assertion = self._ceremonies.verify_authentication(credential, challenge.value, passkey)
        used = await self._factors.passkey_used(
            factors.account_id, passkey.id, passkey.sign_count, assertion.new_sign_count, now
        )
        if not used:
            raise WrongSecondFactor("La clé d'accès n'a pas pu être vérifiée. Veuillez réessayer.")
