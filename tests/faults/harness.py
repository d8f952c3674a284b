"""The fault suite's handle on the running system: start services with its settings, inject faults."""

import time
from dataclasses import dataclass

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import Infrastructure, RunningSystem

# Settings the suite gives the notification service (each time it is started):
# - no per-recipient cap: a manager gets one e-mail per access request, more than the anti-flood
#   rule's 20 an hour at this load; the rule would abandon them, which is not what is under test;
# - 8 attempts, 0.5 s apart doubling: a retry budget of about a minute, longer than the SMTP outage.
SERVICE_ENV = {
    "notification": {"NOTIFICATION_RATE_LIMIT_PER_RECIPIENT": "0", "NOTIFICATION_MAX_ATTEMPTS": "8"},
}


@dataclass
class Faults:
    system: RunningSystem
    infrastructure: Infrastructure
    mail_server: MailRecorder

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
