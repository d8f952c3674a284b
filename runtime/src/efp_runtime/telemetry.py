"""OpenTelemetry tracing, off unless EFP_OTEL_ENABLED=true: a span per message consumed or published.

Spans go over OTLP/HTTP to the collector named by the standard OTEL_EXPORTER_OTLP_ENDPOINT (or
OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) variable. The gateway adds a span per HTTP request
(gateway.observability). When off, nothing of the SDK is even imported.
"""

from typing import TYPE_CHECKING

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from faststream.rabbit import RabbitBroker
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter


class TelemetrySettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    enabled: bool = Field(False, validation_alias=AliasChoices("EFP_OTEL_ENABLED"))


def tracer_provider(
    service: str, settings: TelemetrySettings | None = None, exporter: "SpanExporter | None" = None
) -> "TracerProvider | None":
    """The service's tracer provider, or None when tracing is off. `exporter` replaces OTLP (tests)."""
    if not (settings or TelemetrySettings()).enabled:
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
    # Batched off the handling path: a slow or absent collector costs a dropped span, not a slow request.
    provider.add_span_processor(BatchSpanProcessor(exporter or OTLPSpanExporter()))
    return provider


def trace_messages(broker: "RabbitBroker", provider: "TracerProvider") -> None:
    """A span per message consumed and published, continuing the trace carried in the message headers."""
    from faststream.rabbit.opentelemetry import RabbitTelemetryMiddleware

    # Outermost, so the span covers the other middlewares (correlation, metrics) too.
    broker.insert_middleware(RabbitTelemetryMiddleware(tracer_provider=provider))
