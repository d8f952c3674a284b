"""How an activation code appears on the wire, with names resolved from the account copies."""

from datetime import datetime

from contracts import activation as a
from habilitation.domain.activation_code import ActivationCode
from habilitation.use_cases.ports import AccountCopy


def activation_code_v1(code: ActivationCode, names: dict[str, AccountCopy], now: datetime) -> a.ActivationCodeV1:
    issuer, redeemer = names.get(code.issued_by), names.get(code.redeemed_by or "")
    return a.ActivationCodeV1(
        id=code.id,
        service=code.service,
        siret=code.siret,
        siren=code.siren,
        organisation_name=code.organisation_name,
        establishment_name=code.establishment_name,
        # A code past its date reads "expired" even before the sweeper records it.
        state=code.effective_state(now).value,
        issued_at=code.issued_at,
        expires_at=code.expires_at,
        issued_by=code.issued_by,
        issued_by_name=issuer.display_name if issuer else None,
        redeemed_by=code.redeemed_by,
        redeemed_by_name=redeemer.display_name if redeemer else None,
        redeemed_at=code.redeemed_at,
        revoked_by=code.revoked_by,
        revoked_at=code.revoked_at,
        revocation_reason=code.revocation_reason,
        letter_downloaded_by=code.letter_downloaded_by,
        letter_downloaded_at=code.letter_downloaded_at,
    )
