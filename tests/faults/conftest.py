"""The fault suite's harness: the running system set up for faults, and the table printed at the end."""

import os

import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import Infrastructure, RunningSystem
from tests.faults.checks import ROWS
from tests.faults.harness import SERVICE_ENV, Faults

# The suite's broker is a three-node cluster (devstack.pytest_plugin reads it when the session's
# infrastructure starts, after this file is loaded): its scenarios lose a node. Its own session only
# (scripts/test runs it apart), so the other sessions keep one node.
os.environ.setdefault("EFP_BROKER_NODES", "3")


@pytest.fixture(scope="session")
def faults(system: RunningSystem, infrastructure: Infrastructure, mail_server: MailRecorder) -> Faults:
    harness = Faults(system, infrastructure, mail_server)
    for name in SERVICE_ENV:
        system.kill(name)
        harness.start(name)
    system.wait_ready()
    return harness


# (title, Row attribute, number format)
COLUMNS = (
    ("requests", "sent", "d"),
    ("2xx", "accepted", "d"),
    ("retried", "retried", "d"),
    ("other 5xx", "server_errors", "d"),
    ("restarted sign-ups", "unknown", "d"),
    ("e-mails owed", "expected", "d"),
    ("received", "received", "d"),
    ("duplicates", "duplicates", "d"),
    ("re-sent same Message-ID", "resent_same_id", "d"),
    ("lost", "lost", "d"),
    ("dead-lettered", "dead_lettered", "d"),
    ("stuck", "stuck", "d"),
    ("outboxes left", "outboxes", "d"),
    ("recovery s", "recovery_seconds", ".1f"),
    ("run s", "duration_seconds", ".0f"),
)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not ROWS:
        return
    write = terminalreporter.write_line
    terminalreporter.section("fault suite: what was tried and what was counted")
    first = max(len("scenario"), *(len(row.scenario) for row in ROWS))
    write(" | ".join(["scenario".ljust(first), *(title for title, _, _ in COLUMNS)]))
    for row in ROWS:
        cells = [f"{getattr(row, attribute):{fmt}}".rjust(len(title)) for title, attribute, fmt in COLUMNS]
        write(" | ".join([row.scenario.ljust(first), *cells]))
    write(
        "retried: attempts that got no definite answer (connection refused or cut, 502/503/504), sent again; "
        "other 5xx: answers 500 or any 5xx but those three (a failure: the platform broke instead of saying "
        "'try again'); "
        "restarted sign-ups: registrations begun again on a new address after such an attempt "
        "(the old address may get a code: allowed, not owed); "
        "re-sent same Message-ID: an e-mail notification sent again because it was killed between the SMTP "
        "server's acceptance and its record (SMTP cannot be asked; only counted when notification is killed); "
        "recovery: from the healing action to every service ready (SMTP: to the first e-mail accepted)."
    )
    for row in ROWS:
        for problem in row.problems[:20]:
            write(f"{row.scenario}: {problem}")
