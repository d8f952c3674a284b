"""The fault suite's handle on the running system: start services with its settings, inject faults."""

import contextlib
import threading
import time
from dataclasses import dataclass, field

import httpx

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import Infrastructure, RunningSystem
from devstack.system import StoreNode

# Settings the suite gives the notification service (each time it is started):
# - no per-recipient cap: a manager gets one e-mail per access request, more than the anti-flood
#   rule's 20 an hour at this load; the rule would abandon them, which is not what is under test;
# - 8 attempts, 0.5 s apart doubling: a retry budget of about a minute, longer than the SMTP outage.
SERVICE_ENV = {
    "notification": {"NOTIFICATION_RATE_LIMIT_PER_RECIPIENT": "0", "NOTIFICATION_MAX_ATTEMPTS": "8"},
}


# Longer than the gateway's RPC timeout (5 s): a readiness round waits that long for a ping unanswered.
READINESS_TIMEOUT = 7.0


@dataclass
class Faults:
    system: RunningSystem
    infrastructure: Infrastructure
    mail_server: MailRecorder
    # What /health/ready answered while the last store fault lasted (ReadinessWatcher).
    readiness_during_fault: set[int] = field(default_factory=set)

    def start(self, name: str) -> None:
        self.system.start(name, SERVICE_ENV.get(name))

    def kill_and_restart(self, name: str, down_seconds: float) -> float:
        """kill -9, leave it dead a while under load, start it again; seconds until ready again."""
        self.system.kill(name)
        time.sleep(down_seconds)
        self.start(name)
        healed = time.monotonic()
        self.system.wait_ready(timeout=90)
        return time.monotonic() - healed

    def restart_broker(self) -> float:
        """Stop and start the RabbitMQ node; seconds from the node back to every service ready."""
        assert self.infrastructure.rabbit is not None, "the fault suite starts its own broker"
        self.infrastructure.rabbit.restart()
        healed = time.monotonic()
        self.system.wait_ready(timeout=120)
        return time.monotonic() - healed

    def fail_smtp(self, seconds: float) -> float:
        """The SMTP server answers 451 for a while; seconds from accepting again to the first e-mail in."""
        self.mail_server.fail_with("451 4.3.0 try later")
        time.sleep(seconds)
        before = len(self.mail_server.received())
        self.mail_server.fail_with(None)
        healed = time.monotonic()
        while len(self.mail_server.received()) == before and time.monotonic() - healed < 120:
            time.sleep(0.05)
        return time.monotonic() - healed

    def kill_and_restart_store(self, down_seconds: float) -> float:
        """kill -9 of the store, dead a while under load, started again on the same port and data
        directory; seconds from its start to every service ready again."""
        store = self._store()
        store.kill()
        watcher = ReadinessWatcher(self.system.gateway_url)
        time.sleep(down_seconds)
        watcher.over.set()
        store.start()
        healed = time.monotonic()
        self.readiness_during_fault = watcher.seen()
        self.system.wait_ready(timeout=120)
        return time.monotonic() - healed

    def pause_store(self, seconds: float) -> float:
        """SIGSTOP of the store (connections stay open, nothing answers), SIGCONT after `seconds`;
        seconds from the SIGCONT to every service ready again."""
        store = self._store()
        store.pause()
        try:
            watcher = ReadinessWatcher(self.system.gateway_url)
            time.sleep(seconds)
            watcher.over.set()
        finally:
            store.resume()
        healed = time.monotonic()
        self.readiness_during_fault = watcher.seen()
        self.system.wait_ready(timeout=120)
        return time.monotonic() - healed

    def _store(self) -> StoreNode:
        assert self.infrastructure.store is not None, "the fault suite starts its own store"
        return self.infrastructure.store


class ReadinessWatcher:
    """What /health/ready answers until `over` is set, asked on a thread of its own: a round of pings may
    take the gateway's RPC timeout, and a fault must last its own time, not the probe's."""

    def __init__(self, gateway_url: str) -> None:
        self.over = threading.Event()
        self._url = f"{gateway_url}/health/ready"
        self._statuses: set[int] = set()
        self._thread = threading.Thread(target=self._watch, name="readiness watcher")
        self._thread.start()

    def seen(self) -> set[int]:
        """The statuses answered, once the last probe in flight has its answer."""
        self._thread.join()
        return self._statuses

    def _watch(self) -> None:
        while not self.over.is_set():
            with contextlib.suppress(httpx.HTTPError):  # the gateway itself busy: asked again
                self._statuses.add(httpx.get(self._url, timeout=READINESS_TIMEOUT).status_code)
            self.over.wait(0.5)
