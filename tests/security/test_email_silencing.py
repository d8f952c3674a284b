"""Issue 14, finding 6: per-recipient e-mail caps could silence a person. Sign-up and reset shared one
budget, and a throttled e-mail was abandoned, security notices included: an attacker who started
sign-ups with someone's address could stop their reset code and the « mot de passe modifié » notice.
Budgets are now per purpose (sign-up, reset, other), security notices draw on none, and a throttled
e-mail waits in the retry delay queues until its window frees instead of being dropped.

The attacker only uses the public sign-up form (a sign-up with an address that has an account sends
« Tentative de création d'un compte »). Notification runs with a budget of 1 e-mail per family and
address per 30 s for the module, so the budgets are spent in a few requests and a throttled e-mail
comes through within the test; it is restarted with the session's settings afterwards (as the
forwarded-address test does with identity). Each victim asks identity for at most 5 codes, within
identity's own cap on code e-mails per address (which would otherwise refuse the reset itself).
"""

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from pymongo import MongoClient
from pymongo.collection import Collection

from devstack.mail_recorder import MailRecorder, ReceivedMail
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, RunningSystem
from efp_runtime.polling import eventually_sync
from tests.e2e.journeys import PASSWORD, code_in, create_account, log_in, new_captcha, start_registration, unique_email

pytestmark = [pytest.mark.e2e, pytest.mark.security]
Record = dict[str, Any]
WINDOW = 30  # NOTIFICATION_RATE_LIMIT_WINDOW_SECONDS while this module runs
ATTEMPT = "Tentative de création d'un compte EFP Connect avec votre adresse"
RESET = "Réinitialisation du mot de passe de votre compte EFP Connect"
CHANGED = "Votre mot de passe a été modifié"
NEW_PASSWORD = "Nouveau-Mot-de-Passe-42"


def restart_notification(system: RunningSystem, extra_env: dict[str, str] | None) -> None:
    system.kill("notification")
    system.start("notification", extra_env)
    system.wait_ready()


@pytest.fixture(scope="module", autouse=True)
def tight_email_budget(system: RunningSystem) -> Iterator[None]:
    budget = {"NOTIFICATION_RATE_LIMIT_PER_RECIPIENT": "1", "NOTIFICATION_RATE_LIMIT_WINDOW_SECONDS": str(WINDOW)}
    restart_notification(system, budget)
    try:
        yield
    finally:
        restart_notification(system, None)


@pytest.fixture(scope="module")
def emails(system: RunningSystem) -> Iterator[Collection[Record]]:
    client: MongoClient[Record] = MongoClient(system.infrastructure.mongodb_url, tz_aware=True)
    yield client[system.env["NOTIFICATION_DATABASE"]]["emails"]
    client.close()


def victim_with_an_account(system: RunningSystem, mail_server: MailRecorder) -> str:
    """An account: its sign-up code spends the sign-up budget, « compte créé » the other one."""
    victim = unique_email()
    with system.client() as browser:
        create_account(browser, mail_server, victim)
    return victim


def flood_sign_ups(system: RunningSystem, victim: str, count: int) -> None:
    with system.client() as attacker:
        for _ in range(count):
            start_registration(attacker, victim)


def records(emails: Collection[Record], to: str, template: str) -> list[Record]:
    return list(emails.find({"to": to, "template": template}))


def sent_record(emails: Collection[Record], to: str, template: str) -> Record:
    """The one record of that e-mail, once saved `sent`: the SMTP server has the message a moment before
    notification records its answer, so reading right after the mail arrived can find it `sending`."""
    [record] = eventually_sync(
        lambda: records(emails, to, template),
        lambda found: len(found) == 1 and found[0]["state"] == "sent",
        within=10,
        what=f"the {template} e-mail to {to} saved sent",
    )
    return record


def waiting_for_budget(record: Record) -> bool:
    """Throttled and scheduled again: still queued, never tried, the rule in its history; not abandoned."""
    triggers = [entry["trigger"] for entry in record["history"]]
    return record["state"] == "queued" and triggers == ["throttle"] and record["attempts"] == []


def until_throttled(emails: Collection[Record], victim: str, count: int) -> list[Record]:
    return eventually_sync(
        lambda: records(emails, victim, "signup_attempt_existing_account"),
        lambda got: len(got) == count and all(waiting_for_budget(r) for r in got),
        within=20,
        what=f"{count} sign-up notices to {victim} waiting for their budget",
    )


def subjects(mails: list[ReceivedMail]) -> list[str]:
    return [mail.subject for mail in mails]


def wait_for_subject(mail_server: MailRecorder, to: str, subject: str, timeout: float = 15) -> ReceivedMail:
    [found] = eventually_sync(
        lambda: [m for m in mail_server.mails_to(to) if m.subject == subject],
        lambda got: len(got) == 1,
        within=timeout,
        what=f"« {subject} » to {to}",
    )
    return found


def reset_password(client: httpx.Client, mail_server: MailRecorder, victim: str) -> Callable[[], httpx.Response]:
    """Asks for a reset; returns the last step, to run once the code has been read."""
    asked = client.post(
        "/api/v1/password-resets",
        json={"email": victim, "captcha_id": new_captcha(client), "captcha_answer": CAPTCHA_TEST_ANSWER},
    )
    assert asked.status_code == 202, asked.text
    reset_id = asked.json()["reset_id"]
    code = code_in(wait_for_subject(mail_server, victim, RESET).body())

    def finish() -> httpx.Response:
        verified = client.post(f"/api/v1/password-resets/{reset_id}/verify", json={"code": code})
        assert verified.status_code == 200, verified.text
        body = {"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD}
        return client.post(f"/api/v1/password-resets/{reset_id}/password", json=body)

    return finish


def test_after_a_sign_up_flood_spends_the_budget_the_same_person_s_reset_code_and_notice_arrive(
    system: RunningSystem, client: httpx.Client, mail_server: MailRecorder, emails: Collection[Record]
) -> None:
    victim = victim_with_an_account(system, mail_server)
    flood_sign_ups(system, victim, 3)
    until_throttled(emails, victim, 3)

    finish = reset_password(client, mail_server, victim)

    # The reset code got through while every sign-up notice was still held back by its budget.
    assert ATTEMPT not in subjects(mail_server.mails_to(victim))
    assert all(waiting_for_budget(r) for r in records(emails, victim, "signup_attempt_existing_account"))
    # Sign-up, reset and other budgets are all spent now; « mot de passe modifié » is a security notice.
    assert finish().status_code == 200
    wait_for_subject(mail_server, victim, CHANGED, timeout=10)
    notice = sent_record(emails, victim, "password_changed")
    assert [entry["trigger"] for entry in notice["history"]] == ["send", "deliver"]


def test_a_security_notice_arrives_at_once_when_the_recipient_s_budget_is_spent(
    system: RunningSystem, mail_server: MailRecorder, emails: Collection[Record]
) -> None:
    victim = victim_with_an_account(system, mail_server)  # « compte créé » spent the other budget
    flood_sign_ups(system, victim, 2)
    until_throttled(emails, victim, 2)

    with system.client() as browser:
        opened = log_in(browser, victim, PASSWORD)
        assert opened.status_code == 200, opened.text
        browser.headers["X-CSRF-Token"] = opened.json()["csrf_token"]
        body = {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD}
        changed = browser.post("/api/v1/me/password", json=body)
        assert changed.status_code == 204, changed.text

    wait_for_subject(mail_server, victim, CHANGED, timeout=10)
    assert ATTEMPT not in subjects(mail_server.mails_to(victim))  # the flood is still held back


def test_a_throttled_e_mail_is_delivered_once_its_window_frees_and_only_once(
    system: RunningSystem, mail_server: MailRecorder, emails: Collection[Record]
) -> None:
    victim = victim_with_an_account(system, mail_server)
    code_mail = mail_server.mails_to(victim)[0]  # the sign-up code, which spent the sign-up budget
    flood_sign_ups(system, victim, 1)
    [waiting] = until_throttled(emails, victim, 1)
    assert waiting["abandon_reason"] is None
    assert waiting["history"][0]["reason"] == (
        f"rate limit: at most 1 signup e-mails to one address per {WINDOW} s; postponed"
    )

    mail = wait_for_subject(mail_server, victim, ATTEMPT, timeout=WINDOW + 30)

    # Not before the sign-up code's window freed: delayed until there was room, not let through.
    assert mail.accepted_at >= code_mail.accepted_at + WINDOW - 1
    record = sent_record(emails, victim, "signup_attempt_existing_account")
    assert [entry["trigger"] for entry in record["history"]] == ["throttle", "send", "deliver"]
    assert len(record["attempts"]) == 1
    time.sleep(3)  # a second copy would have been sent by now (the delay queues bring it back every second)
    assert subjects(mail_server.mails_to(victim)).count(ATTEMPT) == 1
