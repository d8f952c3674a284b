"""Issue 14, finding 7: cancelling and asking again got round the 30-day resend rule, so one account could
send the managers a 1,000-character message as often as it liked. The 30 days now hold across a cancel,
and one account's submissions are capped; the managers' mailbox shows what got through."""

from datetime import datetime
from typing import Any

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from efp_runtime.polling import eventually_sync
from tests.e2e.access import Person, new_manager

pytestmark = [pytest.mark.e2e, pytest.mark.security]
# « Institut de Formation Autan » of the SIRENE sample; other tests may make managers there too,
# so the mailbox is read per manager and per requester.
SIREN, SIRET = "000030098", "00003009800016"
RECEIVED = "Nouvelle demande d'accès au service numérique CERES"
FLOOD = ("Bonjour, merci de valider ma demande. " * 30)[:1000]  # the longest message allowed
SUBMISSIONS_MAX = 5  # habilitation.domain.access_request.SUBMISSIONS_MAX: new requests per account in 24 h


def submit(person: Person) -> httpx.Response:
    return person.http.post("/api/v1/access-requests", json={"service": "ceres", "siret": SIRET, "message": FLOOD})


def created(person: Person) -> dict[str, Any]:
    response = submit(person)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def requests_mailed(mail_server: MailRecorder, manager: Person, requester: Person) -> int:
    """The « nouvelle demande » e-mails `manager` received about `requester`'s requests."""
    return sum(1 for m in mail_server.mails_to(manager.email) if m.subject == RECEIVED and requester.email in m.body())


def after_everything_sent(system: RunningSystem, mail_server: MailRecorder, manager: Person) -> None:
    """Waits for a colleague's request to reach the manager: a refused submission writes nothing to any
    outbox, so once a later request's e-mail has arrived, none of the refused ones can still come."""
    colleague = Person(system, mail_server, SIREN)
    created(colleague)
    eventually_sync(
        lambda: requests_mailed(mail_server, manager, colleague),
        lambda mailed: mailed == 1,
        within=20,
        what="the colleague's request e-mailed to the manager",
    )


def test_cancel_then_ask_again_within_30_days_is_refused_and_the_managers_get_one_e_mail(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    manager = new_manager(system, mail_server, SIREN, SIRET)
    attacker = Person(system, mail_server, SIREN)
    first = created(attacker)
    cancelled = attacker.http.post(f"/api/v1/access-requests/{first['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.text

    again = submit(attacker)

    after_everything_sent(system, mail_server, manager)
    assert again.status_code == 409, again.text
    problem = again.json()
    assert problem["code"] == "too_early"
    wait_until = datetime.fromisoformat(problem["resendable_at"]) - datetime.fromisoformat(first["resendable_at"])
    assert abs(wait_until.total_seconds()) < 1  # the first request's 30 days, not new ones
    assert "renouveler" in problem["detail"]
    assert [r["status"] for r in attacker.http.get("/api/v1/me/access-requests").json()["items"]] == ["cancelled"]
    assert requests_mailed(mail_server, manager, attacker) == 1


def test_one_account_s_submissions_are_capped_and_the_managers_get_no_more_e_mails(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    manager = new_manager(system, mail_server, SIREN, SIRET)
    attacker = Person(system, mail_server, SIREN)
    # A refusal lets one ask again at once (it is the managers' answer, not a way round the 30 days):
    # the cap is what stops an account that is refused and asks again, all day.
    for _ in range(SUBMISSIONS_MAX):
        made = created(attacker)
        refused = manager.http.post(f"/api/v1/access-requests/{made['id']}/refuse", json={"reason": "Non."})
        assert refused.status_code == 200, refused.text

    capped = submit(attacker)

    after_everything_sent(system, mail_server, manager)
    assert capped.status_code == 429, capped.text
    assert capped.json()["code"] == "rate_limited"
    assert "24 heures" in capped.json()["detail"]
    assert 0 < int(capped.headers["Retry-After"]) <= 24 * 3600
    assert requests_mailed(mail_server, manager, attacker) == SUBMISSIONS_MAX
