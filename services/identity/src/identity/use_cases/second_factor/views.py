"""How the second factors appear on the wire: the status « Mon compte » shows, never a secret."""

from contracts.second_factor import PasskeyV1, SecondFactorStatusV1
from identity.domain.second_factor import SecondFactors


def status_of(factors: SecondFactors) -> SecondFactorStatusV1:
    return SecondFactorStatusV1(
        totp=factors.totp is not None,
        passkeys=[
            PasskeyV1(id=p.id, name=p.name, created_at=p.created_at, last_used_at=p.last_used_at)
            for p in factors.passkeys
        ],
        recovery_codes_left=len(factors.recovery_code_hashes),
        enrolled=factors.enrolled,
    )
