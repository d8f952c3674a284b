"""Gateway settings, read from the environment once."""

from pydantic import AliasChoices, Field

from efp_runtime.settings import RuntimeSettings


class GatewaySettings(RuntimeSettings):
    host: str = Field("127.0.0.1", validation_alias=AliasChoices("GATEWAY_HOST"))
    port: int = Field(8000, validation_alias=AliasChoices("GATEWAY_PORT"))
    # How long a request waits for a service before answering 503.
    rpc_timeout_seconds: float = Field(5.0, gt=0, validation_alias=AliasChoices("GATEWAY_RPC_TIMEOUT_SECONDS"))
