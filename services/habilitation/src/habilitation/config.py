"""Habilitation settings, read from the environment once."""

from pydantic import AliasChoices, Field

from efp_runtime.settings import RuntimeSettings


class HabilitationSettings(RuntimeSettings):
    database: str = Field("habilitation", validation_alias=AliasChoices("HABILITATION_DATABASE"))
    # Where the links in e-mails lead (the frontend); pages ask the person to log in.
    frontend_url: str = Field("https://efpconnect.emploi.gouv.fr", validation_alias=AliasChoices("EFP_FRONTEND_URL"))
    rpc_timeout_seconds: float = Field(5.0, gt=0, validation_alias=AliasChoices("HABILITATION_RPC_TIMEOUT_SECONDS"))
    sweep_seconds: float = Field(60.0, gt=0, validation_alias=AliasChoices("HABILITATION_SWEEP_SECONDS"))
