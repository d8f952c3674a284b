"""Habilitation settings, read from the environment once."""

from pydantic import AliasChoices, Field

from efp_runtime.settings import RuntimeSettings


class HabilitationSettings(RuntimeSettings):
    database: str = Field("habilitation", validation_alias=AliasChoices("HABILITATION_DATABASE"))
