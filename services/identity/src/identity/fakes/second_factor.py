"""In-memory fakes of the second-factor ports: the factors' store (with its atomic uses) and WebAuthn.

FakePasskeyCeremonies stands for the webauthn library: its "browser answers" are JSON naming the
credential, the challenge it signs and the sign count (`FakePasskeyCeremonies.answer`).
"""

import copy
import json
from datetime import datetime
from typing import Any

from efp_runtime.outbox import OutboxMessage
from identity.domain.errors import Conflict, WrongSecondFactor
from identity.domain.second_factor import Passkey, SecondFactors
from identity.use_cases.second_factor.ports import Assertion, CeremonyOptions, RegisteredCredential


class FakeSecondFactorRepository:
    def __init__(self) -> None:
        self.factors: dict[str, SecondFactors] = {}
        # What the writes put in the outbox, in order.
        self.outbox: list[OutboxMessage] = []

    async def get(self, account_id: str) -> SecondFactors:
        stored = self.factors.get(account_id)
        return copy.deepcopy(stored) if stored else SecondFactors(account_id)

    async def enrolled(self, account_id: str) -> bool:
        return (await self.get(account_id)).enrolled

    async def save(self, factors: SecondFactors, messages: list[OutboxMessage]) -> None:
        stored = self.factors.get(factors.account_id)
        if (stored.version if stored else 0) != factors.version:
            raise Conflict()
        factors.version += 1
        self.factors[factors.account_id] = copy.deepcopy(factors)
        self.outbox.extend(messages)

    async def accept_totp_step(self, account_id: str, sealed_secret: str, step: int) -> bool:
        stored = self.factors.get(account_id)
        totp = stored.totp if stored else None
        if stored is None or totp is None or totp.sealed_secret != sealed_secret:
            return False
        if totp.last_step is not None and step <= totp.last_step:
            return False
        totp.last_step = step
        stored.version += 1
        return True

    async def use_recovery_code(self, account_id: str, code_hash: str, messages: list[OutboxMessage]) -> bool:
        stored = self.factors.get(account_id)
        if stored is None or code_hash not in stored.recovery_code_hashes:
            return False
        stored.recovery_code_hashes.remove(code_hash)
        stored.version += 1
        self.outbox.extend(messages)
        return True

    async def passkey_used(
        self, account_id: str, passkey_id: str, seen_sign_count: int, new_sign_count: int, at: datetime
    ) -> bool:
        stored = self.factors.get(account_id)
        passkey = stored.passkey(passkey_id) if stored else None
        if stored is None or passkey is None or passkey.sign_count != seen_sign_count:
            return False
        passkey.sign_count, passkey.last_used_at = new_sign_count, at
        stored.version += 1
        return True


class FakePasskeyCeremonies:
    def __init__(self) -> None:
        self.made = 0
        self.last_options: dict[str, object] = {}

    def _challenge(self) -> bytes:
        self.made += 1
        return f"challenge-{self.made}".encode()

    def registration_options(self, account_id: str, email: str, existing: list[str]) -> CeremonyOptions:
        challenge = self._challenge()
        self.last_options = {"challenge": challenge.decode(), "user": email, "excludeCredentials": existing}
        return CeremonyOptions(json.dumps(self.last_options), challenge)

    def verify_registration(self, credential_json: str, challenge: bytes) -> RegisteredCredential:
        answer = self._read(credential_json, challenge)
        return RegisteredCredential(answer["id"], f"key-of-{answer['id']}".encode(), int(answer["sign_count"]))

    def authentication_options(self, allowed: list[str]) -> CeremonyOptions:
        challenge = self._challenge()
        self.last_options = {"challenge": challenge.decode(), "allowCredentials": allowed}
        return CeremonyOptions(json.dumps(self.last_options), challenge)

    def credential_id_of(self, credential_json: str) -> str:
        try:
            return str(json.loads(credential_json)["id"])
        except (ValueError, KeyError, TypeError) as error:
            raise WrongSecondFactor() from error

    def verify_authentication(self, credential_json: str, challenge: bytes, passkey: Passkey) -> Assertion:
        answer = self._read(credential_json, challenge)
        count = int(answer["sign_count"])
        if passkey.public_key != f"key-of-{passkey.id}".encode() or (count or passkey.sign_count) <= passkey.sign_count:
            raise WrongSecondFactor()
        return Assertion(passkey.id, count)

    @staticmethod
    def answer(credential_id: str, challenge: bytes, sign_count: int = 1) -> str:
        """What a browser would send for this credential, signing `challenge`."""
        return json.dumps({"id": credential_id, "challenge": challenge.decode(), "sign_count": sign_count})

    @staticmethod
    def _read(credential_json: str, challenge: bytes) -> dict[str, Any]:
        try:
            answer = json.loads(credential_json)
        except ValueError as error:
            raise WrongSecondFactor() from error
        if not isinstance(answer, dict) or answer.get("challenge") != challenge.decode():
            raise WrongSecondFactor()
        return answer
