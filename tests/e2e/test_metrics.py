"""/metrics of the gateway and of each service move after a journey; its correlation id reaches every log."""

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from contracts.topology import SERVICES
from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from efp_runtime.polling import eventually_sync
from tests.e2e.access import Person, new_manager

pytestmark = pytest.mark.e2e

# « Émeraude Bâtiment » of the SIRENE sample: no other test makes a manager there.
SIREN, SIRET = "000019513", "00001951300019"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(url: str) -> Samples:
    response = httpx.get(url, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def total(samples: Samples, name: str, **labels: str) -> float:
    """The sum of a metric's samples whose labels include `labels` (0 when there are none)."""
    wanted = set(labels.items())
    return sum(value for (sample, have), value in samples.items() if sample == name and wanted <= have)


def label_values(samples: Samples, name: str, label: str) -> set[str]:
    return {dict(have)[label] for (sample, have) in samples if sample == name and label in dict(have)}


@pytest.fixture(scope="module")
def metrics_urls(system: RunningSystem) -> dict[str, str]:
    """Each process's /metrics, as devstack serves them (the gateway's on its own HTTP port)."""
    urls = system.metrics_urls
    assert set(SERVICES) | {"gateway"} <= set(urls), urls
    return {name: url if url.endswith("/metrics") else f"{url.rstrip('/')}/metrics" for name, url in urls.items()}


@dataclass
class Journey:
    before: dict[str, Samples]
    after: dict[str, Samples]
    correlation_id: str
    manager: Person


@pytest.fixture(scope="module")
def journey(system: RunningSystem, mail_server: MailRecorder, metrics_urls: dict[str, str]) -> Iterator[Journey]:
    """Two sign-ups, one manager activation and an access request mailed to that manager."""
    eventually_sync(
        lambda: {httpx.get(url, timeout=2).status_code for url in metrics_urls.values()},
        lambda statuses: statuses == {200},
        within=20,
        every=0.2,
        what="every /metrics to answer",
    )
    before = {name: scrape(url) for name, url in metrics_urls.items()}
    manager = new_manager(system, mail_server, SIREN, SIRET)
    collaborator = Person(system, mail_server, SIREN)
    correlation_id = uuid.uuid4().hex
    response = collaborator.http.post(
        "/api/v1/access-requests",
        json={"service": "ceres", "siret": SIRET, "message": "Bonjour, je suis formatrice."},
        headers={"X-Correlation-ID": correlation_id},
    )
    assert response.status_code == 201, response.text
    mail_server.wait_for_mail(manager.email, count=3)  # code, account created, then the request
    # The e-mail is saved `sent` just after the SMTP server took it: wait for the gauge to catch up.
    expected_sent = total(before["notification"], "efp_emails", state="sent") + 5
    eventually_sync(
        lambda: total(scrape(metrics_urls["notification"]), "efp_emails", state="sent"),
        lambda sent: sent >= expected_sent,
        within=20,
        every=0.2,
        what="the five e-mails to be counted as sent",
    )
    after = {name: scrape(url) for name, url in metrics_urls.items()}
    yield Journey(before, after, correlation_id, manager)
    manager.http.close()
    collaborator.http.close()


def test_the_gateway_counts_requests_by_route_template_and_status(journey: Journey) -> None:
    before, after = journey.before["gateway"], journey.after["gateway"]
    name = "efp_http_requests_total"

    def grew(route: str, method: str, status: str) -> float:
        return total(after, name, route=route, method=method, status=status) - total(
            before, name, route=route, method=method, status=status
        )

    assert grew("/api/v1/access-requests", "POST", "201") == 1
    assert grew("/api/v1/registrations", "POST", "201") == 2
    assert grew("/api/v1/activations/{activation_id}/accept-charter", "POST", "200") == 1
    assert total(after, "efp_http_request_seconds_count", route="/api/v1/access-requests") > total(
        before, "efp_http_request_seconds_count", route="/api/v1/access-requests"
    )
    routes = label_values(after, name, "route")
    assert "/metrics" not in routes  # the scrapes themselves are not counted
    assert not [r for r in routes if re.search(r"[0-9a-f]{8}-[0-9a-f]{4}|\d{9}", r)]  # templates, never ids


def test_each_service_counts_the_messages_it_handled(journey: Journey) -> None:
    def grew(service: str, name: str, **labels: str) -> float:
        return total(journey.after[service], name, **labels) - total(journey.before[service], name, **labels)

    assert grew("identity", "efp_messages_consumed_total", queue="identity.rpc") >= 10
    assert grew("identity", "efp_message_handler_seconds_count", queue="identity.rpc") >= 10
    assert grew("habilitation", "efp_messages_consumed_total", queue="habilitation.rpc") >= 4
    assert grew("habilitation", "efp_messages_consumed_total", queue="habilitation.identity-accounts.created") >= 2
    assert grew("notification", "efp_messages_consumed_total", queue="notification.commands") >= 5
    assert grew("notification", "efp_emails", state="sent") >= 5
    consumed_types = label_values(journey.after["habilitation"], "efp_messages_consumed_total", "type")
    assert "identity.account.created.v1" in consumed_types
    for service in SERVICES:
        assert grew(service, "efp_messages_failed_total") == 0


def test_outbox_backlog_and_sweeps_are_exposed(journey: Journey) -> None:
    identity, habilitation = journey.after["identity"], journey.after["habilitation"]

    assert {"registrations", "accounts"} <= label_values(identity, "efp_outbox_pending_documents", "collection")
    assert "access_requests" in label_values(habilitation, "efp_outbox_pending_documents", "collection")
    assert label_values(identity, "efp_sweep_lag_seconds", "sweep") == {
        "registrations",
        "email_changes",
        "account_erasures",
        "inactive_accounts",
    }
    assert label_values(habilitation, "efp_sweep_lag_seconds", "sweep") == {
        "activation_codes",
        "invitations",
        "habilitations",
    }
    # The test system sweeps every second: a pass completed during the journey, and recently.
    assert total(habilitation, "efp_sweep_runs_total", sweep="invitations", outcome="ok") > total(
        journey.before["habilitation"], "efp_sweep_runs_total", sweep="invitations", outcome="ok"
    )
    assert total(habilitation, "efp_sweep_lag_seconds", sweep="invitations") < 30
    assert total(journey.after["notification"], "process_cpu_seconds_total") > 0


def test_the_access_requests_correlation_id_follows_it_to_the_managers_email(
    system: RunningSystem, journey: Journey
) -> None:
    """HTTP → gateway → habilitation RPC → outbox command → notification: the caller's id is the e-mail's."""
    services = {line["service"] for line in _log_lines(system) if line.get("correlation_id") == journey.correlation_id}

    # Only habilitation could hand it on: the request went to it, its outbox sent the command.
    assert "notification" in services


def test_the_services_own_lines_about_a_message_carry_its_correlation_id(
    system: RunningSystem, journey: Journey
) -> None:
    services = {line["service"] for line in _log_lines(system) if line.get("correlation_id") == journey.correlation_id}

    assert "habilitation" in services


def _log_lines(system: RunningSystem) -> list[dict[str, str]]:
    return [json.loads(line) for line in system.logs().splitlines() if line.startswith("{")]
