"""Prometheus metrics of a service: messages handled, sweeps, and gauges counted when Prometheus scrapes."""

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Mapping, Sequence
from typing import Any
from wsgiref.simple_server import WSGIServer

from faststream import BaseMiddleware
from faststream._internal.context.repository import ContextRepo
from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from pymongo.asynchronous.collection import AsyncCollection

from efp_runtime.outbox import OUTBOX_FIELD

logger = logging.getLogger(__name__)
# A scrape waits this long for a count from the store, then leaves that gauge out.
SCRAPE_TIMEOUT_SECONDS = 2.0
Read = Callable[[], Coroutine[Any, Any, Mapping[str, float]]]


class MetricsSettings(BaseSettings):
    """Where a service without HTTP serves /metrics; port 0 serves nothing (tests that build apps in-process)."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    port: int = Field(0, ge=0, le=65535, validation_alias=AliasChoices("EFP_METRICS_PORT"))
    # Loopback by default; a container sets 0.0.0.0 so Prometheus can reach it.
    host: str = Field("127.0.0.1", validation_alias=AliasChoices("EFP_METRICS_HOST"))


class BoundedLabel:
    """Keeps a label's values few and plain whatever a message claims: past `limit`, or odd, it is `other`."""

    PLAIN = re.compile(r"[a-z][a-z0-9_.-]{0,79}")

    def __init__(self, limit: int = 200) -> None:
        self._limit = limit
        self._seen: set[str] = set()

    def __call__(self, value: str | None) -> str:
        if not value:
            return "none"
        if value in self._seen:
            return value
        if len(self._seen) >= self._limit or not self.PLAIN.fullmatch(value):
            return "other"
        self._seen.add(value)
        return value


class MessageMetrics:
    """A FastStream broker middleware (its factory): counts and times what each subscriber's handler does."""

    def __init__(self, registry: CollectorRegistry) -> None:
        labels = ["queue", "type"]
        self.consumed = Counter(
            "efp_messages_consumed_total",
            "Messages handed to a handler, by queue and message type.",
            labels,
            registry=registry,
        )
        self.failed = Counter(
            "efp_messages_failed_total",
            "Messages whose handler raised: rejected to the queue's dead-letter queue.",
            labels,
            registry=registry,
        )
        self.seconds = Histogram(
            "efp_message_handler_seconds",
            "Time a handler took, by queue and message type.",
            labels,
            registry=registry,
        )
        self.types = BoundedLabel()

    def __call__(self, msg: Any, /, *, context: ContextRepo) -> BaseMiddleware:
        return _MeasuredMessage(msg, context=context, metrics=self)


class _MeasuredMessage(BaseMiddleware):
    def __init__(self, msg: Any, /, *, context: ContextRepo, metrics: MessageMetrics) -> None:
        super().__init__(msg, context=context)
        self._metrics = metrics

    async def consume_scope(self, call_next: Any, msg: Any) -> Any:
        # FastStream puts the subscriber handling this message in the context; its queue names the work.
        subscriber = self.context.get_local("handler_")
        queue = getattr(getattr(subscriber, "queue", None), "name", None) or "unknown"
        message_type = self._metrics.types(getattr(msg.raw_message, "type", None))
        self._metrics.consumed.labels(queue, message_type).inc()
        started = time.perf_counter()
        try:
            return await call_next(msg)
        except Exception:
            self._metrics.failed.labels(queue, message_type).inc()
            raise
        finally:
            self._metrics.seconds.labels(queue, message_type).observe(time.perf_counter() - started)


class SweepMetrics:
    """Passes of the periodic sweeps: how long, how many items, and how long since one last succeeded."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.runs = Counter(
            "efp_sweep_runs_total",
            "Sweep passes, by sweep and outcome (ok, failed).",
            ["sweep", "outcome"],
            registry=registry,
        )
        self.items = Counter("efp_sweep_items_total", "Items a sweep changed.", ["sweep"], registry=registry)
        self.seconds = Histogram("efp_sweep_seconds", "Time a sweep pass took.", ["sweep"], registry=registry)
        self.last_success = Gauge(
            "efp_sweep_last_success_timestamp_seconds",
            "When a sweep last completed a pass (Unix time).",
            ["sweep"],
            registry=registry,
        )
        self._started = time.time()
        self._last: dict[str, float] = {}
        registry.register(_SweepLag(self))

    def measured(self, name: str, sweep: Callable[[], Awaitable[int]]) -> Callable[[], Awaitable[int]]:
        """The same sweep, recorded; its failure still propagates to the caller that logs and retries it."""
        self.runs.labels(name, "ok")
        self.runs.labels(name, "failed")
        self.items.labels(name)
        self._last.setdefault(name, self._started)

        async def run() -> int:
            started = time.perf_counter()
            try:
                done = await sweep()
            except Exception:
                self.runs.labels(name, "failed").inc()
                raise
            finally:
                self.seconds.labels(name).observe(time.perf_counter() - started)
            self.runs.labels(name, "ok").inc()
            self.items.labels(name).inc(done)
            self._last[name] = time.time()
            self.last_success.labels(name).set(self._last[name])
            return done

        return run

    def lags(self) -> dict[str, float]:
        """Seconds since each sweep last succeeded (since the process started, if it never has)."""
        now = time.time()
        return {name: now - last for name, last in self._last.items()}


class _SweepLag(Collector):
    def __init__(self, sweeps: SweepMetrics) -> None:
        self._sweeps = sweeps

    def describe(self) -> Iterator[GaugeMetricFamily]:
        yield self._family()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = self._family()
        for name, lag in self._sweeps.lags().items():
            family.add_metric([name], lag)
        yield family

    @staticmethod
    def _family() -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "efp_sweep_lag_seconds",
            "Seconds since the sweep last completed a pass; alert when far above its period.",
            labels=["sweep"],
        )


class _ScrapedGauge(Collector):
    """A gauge read when Prometheus scrapes, by a coroutine run on the service's event loop."""

    def __init__(self, name: str, documentation: str, label: str, read: Read, loop: Callable[[], Any]) -> None:
        self._name, self._documentation, self._label = name, documentation, label
        self._read = read
        self._loop = loop

    def describe(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily(self._name, self._documentation, labels=[self._label])

    def collect(self) -> Iterator[GaugeMetricFamily]:
        loop = self._loop()
        if loop is None or loop.is_closed():
            return
        try:
            values = asyncio.run_coroutine_threadsafe(self._read(), loop).result(SCRAPE_TIMEOUT_SECONDS)
        except Exception:
            # A scrape must still answer with everything else when the store is away.
            logger.warning("could not read %s for this scrape", self._name, exc_info=True)
            return
        family = GaugeMetricFamily(self._name, self._documentation, labels=[self._label])
        for value, number in sorted(values.items()):
            family.add_metric([value], number)
        yield family


class ServiceMetrics:
    """One process's registry: the process collectors, message and sweep metrics, and scraped gauges."""

    def __init__(self) -> None:
        # A registry per app, not the global one: tests build several apps in one process.
        self.registry = CollectorRegistry()
        for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            self.registry.register(collector)
        self.messages = MessageMetrics(self.registry)
        self.sweeps = SweepMetrics(self.registry)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: WSGIServer | None = None

    def scraped_gauge(self, name: str, documentation: str, label: str, read: Read) -> None:
        """A gauge whose values (label value → number) `read` returns at each scrape."""
        self.registry.register(_ScrapedGauge(name, documentation, label, read, lambda: self._loop))

    def outbox_backlog(self, collections: Sequence[AsyncCollection[dict[str, Any]]]) -> None:
        """Documents still holding unpublished messages, per collection: what the relay has yet to send."""
        # The relay's own query, served by each collection's sparse index on `outbox.message_id`.
        query = {f"{OUTBOX_FIELD}.message_id": {"$exists": True}}

        async def read() -> dict[str, float]:
            return {c.name: float(await c.count_documents(query)) for c in collections}

        self.scraped_gauge(
            "efp_outbox_pending_documents",
            "Documents whose outbox still holds unpublished messages.",
            "collection",
            read,
        )

    def serve(self, settings: MetricsSettings) -> None:
        """Serve /metrics from a thread (on the settings' port, if any); call from the service's event loop."""
        self._loop = asyncio.get_running_loop()
        if settings.port:
            self._server, _ = start_http_server(settings.port, settings.host, registry=self.registry)
            logger.info("metrics on http://%s:%s/metrics", settings.host, settings.port)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self._loop = None
