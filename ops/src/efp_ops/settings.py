"""The command line's own settings; each service's operator module reads that service's settings itself."""

from pydantic import AliasChoices, Field

from efp_runtime.settings import RuntimeSettings


class OpsSettings(RuntimeSettings):
    # The broker account of operators (read and requeue dead letters, ask the services over RPC);
    # without it, the services' AMQP_URL.
    amqp_url: str = Field(
        "amqp://guest:guest@127.0.0.1:5672/", validation_alias=AliasChoices("EFP_OPERATOR_AMQP_URL", "AMQP_URL")
    )
    rpc_timeout_seconds: float = Field(10.0, gt=0, validation_alias=AliasChoices("EFP_OPERATOR_RPC_TIMEOUT_SECONDS"))
