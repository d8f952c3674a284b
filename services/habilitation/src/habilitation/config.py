"""Habilitation settings, read from the environment once."""

from pydantic import AliasChoices, Field, SecretStr

from efp_runtime.settings import RuntimeSettings
from habilitation.domain.access_request import OPEN_MAX, SUBMISSIONS_MAX


class HabilitationSettings(RuntimeSettings):
    database: str = Field("habilitation", validation_alias=AliasChoices("HABILITATION_DATABASE"))
    # Where the links in e-mails lead (the frontend); pages ask the person to log in.
    frontend_url: str = Field("https://efpconnect.emploi.gouv.fr", validation_alias=AliasChoices("EFP_FRONTEND_URL"))
    rpc_timeout_seconds: float = Field(5.0, gt=0, validation_alias=AliasChoices("HABILITATION_RPC_TIMEOUT_SECONDS"))
    # How long an establishment found in identity's directory is kept (adapters/cached_directory.py); 0: never.
    directory_cache_seconds: float = Field(
        60.0, ge=0, le=3600, validation_alias=AliasChoices("HABILITATION_DIRECTORY_CACHE_SECONDS")
    )
    # Key of the HMAC that stores activation codes (>= 32 bytes); from the environment.
    secret_key: SecretStr = Field(validation_alias=AliasChoices("HABILITATION_SECRET_KEY"))
    activation_code_validity_months: int = Field(
        6, ge=1, le=24, validation_alias=AliasChoices("HABILITATION_ACTIVATION_CODE_VALIDITY_MONTHS")
    )
    # Issue 14, finding 7: an account's cap on access requests (defaults: the domain's numbers).
    access_requests_per_day: int = Field(
        SUBMISSIONS_MAX, ge=1, validation_alias=AliasChoices("HABILITATION_ACCESS_REQUESTS_PER_DAY")
    )
    access_requests_open_max: int = Field(
        OPEN_MAX, ge=1, validation_alias=AliasChoices("HABILITATION_ACCESS_REQUESTS_OPEN_MAX")
    )
    sweep_seconds: float = Field(60.0, gt=0, validation_alias=AliasChoices("HABILITATION_SWEEP_SECONDS"))
    # Access managers and agents must prove a second factor to use their rights (domain/second_factor.py).
    second_factor_required: bool = Field(True, validation_alias=AliasChoices("HABILITATION_SECOND_FACTOR_REQUIRED"))
