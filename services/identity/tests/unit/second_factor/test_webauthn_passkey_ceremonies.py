"""The webauthn adapter against a software authenticator (a P-256 key made here): registration and assertion
verified for real, and refused for another origin, another challenge or a sign count that did not grow."""

import hashlib
import json
import secrets
import struct

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.encode_cbor import encode_cbor

from identity.adapters.webauthn_passkey_ceremonies import WebauthnPasskeyCeremonies
from identity.domain.errors import WrongSecondFactor
from identity.domain.second_factor import Passkey
from identity.fakes import T0

RP_ID = "localhost"
ORIGIN = "http://localhost:8090"
UP_UV, ATTESTED = 0x01 | 0x04, 0x40


class Authenticator:
    """What a browser and a security key together answer (attestation `none`)."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(16)
        self.count = 0

    def _cose(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return encode_cbor({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    @staticmethod
    def _client_data(kind: str, challenge: bytes, origin: str) -> bytes:
        return json.dumps({"type": kind, "challenge": bytes_to_base64url(challenge), "origin": origin}).encode()

    def create(self, challenge: bytes, origin: str = ORIGIN) -> str:
        attested = bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + self._cose()
        auth_data = hashlib.sha256(RP_ID.encode()).digest() + bytes([UP_UV | ATTESTED]) + struct.pack(">I", 0)
        attestation = encode_cbor({"fmt": "none", "attStmt": {}, "authData": auth_data + attested})
        cid = bytes_to_base64url(self.credential_id)
        return json.dumps({
            "id": cid, "rawId": cid, "type": "public-key",
            "response": {
                "clientDataJSON": bytes_to_base64url(self._client_data("webauthn.create", challenge, origin)),
                "attestationObject": bytes_to_base64url(attestation),
            },
        })  # fmt: skip

    def get(self, challenge: bytes, origin: str = ORIGIN, count: int | None = None) -> str:
        self.count = self.count + 1 if count is None else count
        auth_data = hashlib.sha256(RP_ID.encode()).digest() + bytes([UP_UV]) + struct.pack(">I", self.count)
        client_data = self._client_data("webauthn.get", challenge, origin)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        cid = bytes_to_base64url(self.credential_id)
        return json.dumps({
            "id": cid, "rawId": cid, "type": "public-key",
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "authenticatorData": bytes_to_base64url(auth_data),
                "signature": bytes_to_base64url(signature),
            },
        })  # fmt: skip


CEREMONIES = WebauthnPasskeyCeremonies(RP_ID, "EFP Connect", [ORIGIN])


def registered(authenticator: Authenticator) -> Passkey:
    options = CEREMONIES.registration_options("a-1", "ada@example.fr", [])
    credential = CEREMONIES.verify_registration(authenticator.create(options.challenge), options.challenge)
    return Passkey(credential.id, credential.public_key, credential.sign_count, "Clé", T0)


def test_registration_options_name_the_relying_party_the_person_and_the_existing_passkeys() -> None:
    options = CEREMONIES.registration_options("a-1", "ada@example.fr", ["AAAA"])

    read = json.loads(options.options_json)
    assert read["rp"] == {"id": RP_ID, "name": "EFP Connect"}
    assert (read["user"]["name"], read["user"]["id"]) == ("ada@example.fr", bytes_to_base64url(b"a-1"))
    assert read["excludeCredentials"] == [{"id": "AAAA", "type": "public-key"}]
    assert read["authenticatorSelection"]["residentKey"] == "preferred"
    assert read["authenticatorSelection"]["userVerification"] == "preferred"
    assert read["challenge"] == bytes_to_base64url(options.challenge)


def test_a_registration_then_an_assertion_verify() -> None:
    authenticator = Authenticator()
    passkey = registered(authenticator)
    options = CEREMONIES.authentication_options([passkey.id])

    answer = authenticator.get(options.challenge)

    assert json.loads(options.options_json)["allowCredentials"] == [{"id": passkey.id, "type": "public-key"}]
    assert CEREMONIES.credential_id_of(answer) == passkey.id
    assert CEREMONIES.verify_authentication(answer, options.challenge, passkey).new_sign_count == 1


def test_a_registration_from_another_origin_or_for_another_challenge_is_refused() -> None:
    authenticator = Authenticator()
    options = CEREMONIES.registration_options("a-1", "ada@example.fr", [])

    with pytest.raises(WrongSecondFactor):
        CEREMONIES.verify_registration(
            authenticator.create(options.challenge, "https://evil.example"), options.challenge
        )
    with pytest.raises(WrongSecondFactor):
        CEREMONIES.verify_registration(authenticator.create(b"another"), options.challenge)


def test_an_assertion_for_another_challenge_or_with_a_count_that_did_not_grow_is_refused() -> None:
    authenticator = Authenticator()
    passkey = registered(authenticator)
    passkey.sign_count = 7
    options = CEREMONIES.authentication_options([passkey.id])

    with pytest.raises(WrongSecondFactor):
        CEREMONIES.verify_authentication(authenticator.get(b"another"), options.challenge, passkey)
    with pytest.raises(WrongSecondFactor):
        CEREMONIES.verify_authentication(authenticator.get(options.challenge, count=7), options.challenge, passkey)
    with pytest.raises(WrongSecondFactor):
        CEREMONIES.verify_authentication(
            authenticator.get(options.challenge, "https://evil.example", count=8), options.challenge, passkey
        )


def test_an_answer_that_is_not_a_credential_is_refused() -> None:
    with pytest.raises(WrongSecondFactor):
        CEREMONIES.credential_id_of("not json")
    with pytest.raises(WrongSecondFactor):
        CEREMONIES.verify_registration("{}", b"challenge")
