"""Passkeys with the `webauthn` library (py_webauthn 3): options for the browser and the verification of its answers.

Bound to the relying party of the settings: its id (the web pages' host) and the origins the browser
may sign from. Attestation is not asked (`none`): a passkey proves possession, not its maker. User
verification is preferred, not required, so security keys without a PIN still work.
"""

import logging

from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url, parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from identity.domain.errors import WrongSecondFactor
from identity.domain.second_factor import Passkey
from identity.use_cases.second_factor.ports import Assertion, CeremonyOptions, RegisteredCredential

# Five minutes, as long as the challenge is kept (domain.session.CHALLENGE_LIFETIME).
TIMEOUT_MS = 5 * 60 * 1000
NOT_VERIFIED = "La clé d'accès n'a pas pu être vérifiée. Veuillez réessayer."
logger = logging.getLogger(__name__)


class WebauthnPasskeyCeremonies:
    def __init__(self, rp_id: str, rp_name: str, origins: list[str]) -> None:
        self._rp_id = rp_id
        self._rp_name = rp_name
        self._origins = origins

    def registration_options(self, account_id: str, email: str, existing: list[str]) -> CeremonyOptions:
        options = generate_registration_options(
            rp_id=self._rp_id,
            rp_name=self._rp_name,
            user_id=account_id.encode(),
            user_name=email,
            user_display_name=email,
            timeout=TIMEOUT_MS,
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.PREFERRED,
                user_verification=UserVerificationRequirement.PREFERRED,
            ),
            exclude_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(i)) for i in existing],
        )
        return CeremonyOptions(options_to_json(options), options.challenge)

    def verify_registration(self, credential_json: str, challenge: bytes) -> RegisteredCredential:
        try:
            verified = verify_registration_response(
                credential=credential_json,
                expected_challenge=challenge,
                expected_rp_id=self._rp_id,
                expected_origin=self._origins,
            )
        except (WebAuthnException, ValueError, TypeError, KeyError) as error:
            logger.info("passkey registration refused: %s", error)
            raise WrongSecondFactor(NOT_VERIFIED) from error
        return RegisteredCredential(
            bytes_to_base64url(verified.credential_id), verified.credential_public_key, verified.sign_count
        )

    def authentication_options(self, allowed: list[str]) -> CeremonyOptions:
        options = generate_authentication_options(
            rp_id=self._rp_id,
            timeout=TIMEOUT_MS,
            allow_credentials=[PublicKeyCredentialDescriptor(id=base64url_to_bytes(i)) for i in allowed],
            user_verification=UserVerificationRequirement.PREFERRED,
        )
        return CeremonyOptions(options_to_json(options), options.challenge)

    def credential_id_of(self, credential_json: str) -> str:
        try:
            return bytes_to_base64url(parse_authentication_credential_json(credential_json).raw_id)
        except (WebAuthnException, ValueError, TypeError, KeyError) as error:
            raise WrongSecondFactor(NOT_VERIFIED) from error

    def verify_authentication(self, credential_json: str, challenge: bytes, passkey: Passkey) -> Assertion:
        try:
            verified = verify_authentication_response(
                credential=credential_json,
                expected_challenge=challenge,
                expected_rp_id=self._rp_id,
                expected_origin=self._origins,
                credential_public_key=passkey.public_key,
                # A sign count that did not grow means a cloned authenticator (the library refuses it).
                credential_current_sign_count=passkey.sign_count,
            )
        except (WebAuthnException, ValueError, TypeError, KeyError) as error:
            logger.info("passkey assertion refused: %s", error)
            raise WrongSecondFactor(NOT_VERIFIED) from error
        return Assertion(passkey.id, verified.new_sign_count)
