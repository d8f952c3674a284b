"""Service metrics: the message middleware, sweep passes, bounded labels and gauges read at scrape time."""

import asyncio

import httpx
import pytest
from faststream.rabbit import RabbitBroker, RabbitQueue, TestRabbitBroker
from prometheus_client.parser import text_string_to_metric_families

from devstack.processes import free_port
from efp_runtime.metrics import BoundedLabel, MetricsSettings, ServiceMetrics


def value(metrics: ServiceMetrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


async def test_the_middleware_counts_and_times_messages_by_queue_and_type() -> None:
    metrics = ServiceMetrics()
    broker = RabbitBroker()
    broker.add_middleware(metrics.messages)

    @broker.subscriber(RabbitQueue("billing.rpc"))
    async def handle(body: str) -> str:
        if body == "poison":
            raise ValueError("cannot handle it")
        return "done"

    async with TestRabbitBroker(broker) as test_broker:
        await test_broker.publish("fine", queue="billing.rpc", message_type="billing.invoice.get.v1")
        await test_broker.publish("fine", queue="billing.rpc", message_type="billing.invoice.get.v1")
        with pytest.raises(ValueError, match="cannot handle it"):
            await test_broker.publish("poison", queue="billing.rpc", message_type="billing.invoice.get.v1")

    labels = {"queue": "billing.rpc", "type": "billing.invoice.get.v1"}
    assert value(metrics, "efp_messages_consumed_total", **labels) == 3
    assert value(metrics, "efp_messages_failed_total", **labels) == 1
    assert value(metrics, "efp_message_handler_seconds_count", **labels) == 3


def test_message_types_cannot_blow_up_the_label_set() -> None:
    label = BoundedLabel(limit=2)

    assert label("identity.login.v1") == "identity.login.v1"
    assert label(None) == "none"
    assert label('x"} evil') == "other"
    assert label("identity.logout.v1") == "identity.logout.v1"
    assert label("identity.profile.get.v1") == "other"  # over the limit
    assert label("identity.login.v1") == "identity.login.v1"  # seen before: still itself


async def test_a_sweep_pass_records_its_items_and_resets_its_lag() -> None:
    metrics = ServiceMetrics()
    sweep = metrics.sweeps.measured("invitations", _returning(3))
    await asyncio.sleep(0.05)
    lag_before = metrics.sweeps.lags()["invitations"]

    assert await sweep() == 3

    assert value(metrics, "efp_sweep_items_total", sweep="invitations") == 3
    assert value(metrics, "efp_sweep_runs_total", sweep="invitations", outcome="ok") == 1
    assert value(metrics, "efp_sweep_last_success_timestamp_seconds", sweep="invitations")
    lag_after = value(metrics, "efp_sweep_lag_seconds", sweep="invitations")
    assert lag_after is not None
    assert lag_after < lag_before


async def test_a_failed_sweep_pass_is_counted_and_still_raises() -> None:
    metrics = ServiceMetrics()

    async def failing() -> int:
        raise ConnectionError("store away")

    with pytest.raises(ConnectionError):
        await metrics.sweeps.measured("habilitations", failing)()

    assert value(metrics, "efp_sweep_runs_total", sweep="habilitations", outcome="failed") == 1
    assert value(metrics, "efp_sweep_runs_total", sweep="habilitations", outcome="ok") == 0
    assert value(metrics, "efp_sweep_lag_seconds", sweep="habilitations") is not None


async def test_metrics_are_served_over_http_with_gauges_read_on_the_service_loop() -> None:
    metrics = ServiceMetrics()
    reads: list[asyncio.AbstractEventLoop] = []

    async def count_by_state() -> dict[str, float]:
        reads.append(asyncio.get_running_loop())
        return {"sent": 4.0, "queued": 1.0}

    async def unavailable() -> dict[str, float]:
        raise ConnectionError("store away")

    metrics.scraped_gauge("efp_emails", "E-mails by state.", "state", count_by_state)
    metrics.scraped_gauge("efp_broken", "A count whose store is away.", "thing", unavailable)
    port = free_port()
    metrics.serve(MetricsSettings(EFP_METRICS_PORT=port))
    try:
        response = await asyncio.to_thread(httpx.get, f"http://127.0.0.1:{port}/metrics", timeout=5)
    finally:
        metrics.stop()

    assert response.status_code == 200
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    assert {s.labels["state"]: s.value for s in families["efp_emails"].samples} == {"sent": 4.0, "queued": 1.0}
    assert reads == [asyncio.get_running_loop()]
    assert "efp_broken" not in families  # left out, the rest of the scrape still answered
    assert "process_cpu_seconds" in families


def _returning(n: int):  # type: ignore[no-untyped-def]
    async def sweep() -> int:
        return n

    return sweep
