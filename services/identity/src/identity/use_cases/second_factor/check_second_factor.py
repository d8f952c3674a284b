"""Whether what the person gave proves a second factor: a TOTP code, a recovery code or a passkey assertion.

Each single use is spent by the store in one conditional write (the TOTP step, the recovery code, the
passkey's sign count, the session's challenge), so of two concurrent uses of one proof only one passes.
Anything wrong raises WrongSecondFactor, which the caller counts against the budgets. A replayed TOTP code
(right, for a step already used) is refused like any wrong code, and logged (ASVS V2.8.5): whoever saw a code
can repeat it at will, so it is not notified (the wrong-code budgets still count it). A recovery code used is
notified by the write that spends it: it is the lost-device path.
"""

import logging
from datetime import datetime

from contracts.second_factor import ProveSecondFactorV1
from efp_runtime.message_context import MessageContext
from identity.domain import totp
from identity.domain.account import Account
from identity.domain.errors import InvalidInput, PasskeyUnavailable, WrongSecondFactor
from identity.domain.second_factor import SecondFactors, canonical_recovery_code, recovery_scope
from identity.domain.session import AMR_HARDWARE_KEY, AMR_OTP, Session
from identity.use_cases.codes.ports import SecretHasher
from identity.use_cases.second_factor.messages import second_factor_notice
from identity.use_cases.second_factor.ports import PasskeyCeremonies, SecondFactorRepository, SecretBox
from identity.use_cases.sessions.ports import SessionRepository

logger = logging.getLogger(__name__)


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
        self,
        request: ProveSecondFactorV1,
        session: Session,
        account: Account,
        factors: SecondFactors,
        now: datetime,
        context: MessageContext,
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
            await self._recovery_code(request.code, account, factors, now, context)
        return AMR_OTP

    async def _totp(self, code: str, factors: SecondFactors, now: datetime) -> None:
        active = factors.totp
        if active is None:
            raise WrongSecondFactor(field="code")
        step = totp.matching_step(self._box.open(active.sealed_secret), code, now.timestamp(), None)
        if step is None:
            raise WrongSecondFactor(field="code")
        # The read `last_step` finds plain replays; the conditional write, concurrent ones.
        replayed = active.last_step is not None and step <= active.last_step
        if replayed or not await self._factors.accept_totp_step(factors.account_id, active.sealed_secret, step):
            # The account, never the code.
            logger.warning("account %s: TOTP code replayed (its step was already used), refused", factors.account_id)
            raise WrongSecondFactor(field="code")

    async def _recovery_code(
        self, code: str, account: Account, factors: SecondFactors, now: datetime, context: MessageContext
    ) -> None:
        code_hash = self._hasher.hash(recovery_scope(factors.account_id), canonical_recovery_code(code))
        left = max(len(factors.recovery_code_hashes) - 1, 0)
        notice = second_factor_notice(account, "recovery_code_used", now, context, recovery_codes_left=left)
        if not await self._factors.use_recovery_code(factors.account_id, code_hash, notice):
            raise WrongSecondFactor(field="code")
        logger.info("account %s: recovery code used, %d left", factors.account_id, left)

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
