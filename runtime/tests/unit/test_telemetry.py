"""Tracing switched on by settings: a span per message consumed and published; off, no provider at all."""

from faststream.rabbit import RabbitBroker, RabbitQueue, TestRabbitBroker
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from efp_runtime.telemetry import TelemetrySettings, trace_messages, tracer_provider


def test_tracing_is_off_unless_enabled(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("EFP_OTEL_ENABLED", raising=False)

    assert tracer_provider("billing") is None
    assert tracer_provider("billing", TelemetrySettings(EFP_OTEL_ENABLED=False)) is None


async def test_enabled_tracing_records_a_span_per_message_with_the_service_name() -> None:
    exporter = InMemorySpanExporter()
    provider = tracer_provider("billing", TelemetrySettings(EFP_OTEL_ENABLED=True), exporter)
    assert provider is not None
    broker = RabbitBroker()
    trace_messages(broker, provider)

    @broker.subscriber(RabbitQueue("billing.rpc"))
    async def handle(body: str) -> None:
        return None

    async with TestRabbitBroker(broker) as test_broker:
        await test_broker.publish("hello", queue="billing.rpc", message_type="billing.invoice.get.v1")
    provider.force_flush()

    spans = exporter.get_finished_spans()
    kinds = {span.kind for span in spans}
    assert {SpanKind.PRODUCER, SpanKind.CONSUMER} <= kinds
    assert all(span.resource.attributes["service.name"] == "billing" for span in spans)
    consumer = next(span for span in spans if span.kind is SpanKind.CONSUMER)
    producer = next(span for span in spans if span.kind is SpanKind.PRODUCER)
    # The consumer continues the producer's trace, carried in the message headers.
    assert consumer.context.trace_id == producer.context.trace_id
    provider.shutdown()
