"""What the routes' request bodies share: unknown fields refused, text trimmed, a SIRET as typed, a grant,
a WebAuthn credential."""

import json
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from contracts.habilitation import HabilitationGrantV1


class Body(BaseModel):
    """A JSON body: an unknown field is a 422 (a typing mistake must not pass unnoticed)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def siret_digits(siret: str) -> str:
    """A SIRET as people type it (« 000 016 220 00014 ») to the digits the services compare."""
    return "".join(siret.split())


class HabilitationIn(Body):
    service: str = Field("ceres", max_length=40)
    role: str = Field(max_length=60, examples=["centre_agree"])
    siret: str = Field(min_length=14, max_length=20)
    end_date: date | None = None

    def grant(self) -> HabilitationGrantV1:
        return HabilitationGrantV1(
            service=self.service, role=self.role, siret=siret_digits(self.siret), end_date=self.end_date
        )


class CaptchaIn(Body):
    """A public step that e-mails a code: the address and the captcha answered beside it."""

    email: str = Field(min_length=3, max_length=254)
    captcha_id: str = Field(min_length=1, max_length=64)
    captcha_answer: str = Field(min_length=1, max_length=32)


# No docstrings on the bodies a route takes as they are: pydantic would add them to the OpenAPI document.
class CodeIn(Body):
    code: str = Field(min_length=1, max_length=16)


# A WebAuthn credential's JSON (`credential.toJSON()`): an assertion is about 1 KB, a registration with an
# attestation certificate chain a few KB. Far below the body limit (64 KiB), which still applies.
CREDENTIAL_MAX_CHARS = 16_384


def credential_text(credential: dict[str, Any]) -> str:
    """The browser's credential as the JSON text identity verifies (`contracts.second_factor`), bounded."""
    text = json.dumps(credential, separators=(",", ":"), ensure_ascii=False)
    if len(text) > CREDENTIAL_MAX_CHARS:
        raise PydanticCustomError("credential_too_large", "credential too large")
    return text


def _bounded(credential: dict[str, Any]) -> dict[str, Any]:
    credential_text(credential)
    return credential


# A JSON object, refused (422 on its field) once serialised over CREDENTIAL_MAX_CHARS.
Credential = Annotated[dict[str, Any], AfterValidator(_bounded)]
