"""Each retention period, enforced by the real services and store, driven by the services' test clock.

A rule that a sweep enforces is driven by moving the clock of the service that sweeps forward; a rule that
a TTL index enforces (the store deletes with its own clock) by moving the service's clock back past the
period before the write, so the date the service writes is already past. One service's clock moves at a
time (it is restarted with a clock file of its own), and these tests run last (`clock_leap`): what they
age belongs to the whole session.
"""

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.access import become_manager
from tests.e2e.journeys import log_in, new_captcha, start_registration
from tests.privacy.privacy_steps import Someone, database_of, eventually, mail_about, store, wait_until_gone

pytestmark = [pytest.mark.e2e, pytest.mark.clock_leap]
DAY = 24 * 3600
AUTAN = ("000031039", "00003103900019")


@contextlib.contextmanager
def own_clock(system: RunningSystem, name: str, seconds: float) -> Iterator[None]:
    """`name` restarted with its clock `seconds` from real time, the others untouched; restarted as before after."""
    clock = system.infrastructure.state_dir / f"clock-offset-{name}"
    clock.write_text(str(seconds))
    system.kill(name)
    system.start(name, {"EFP_TEST_CLOCK_FILE": str(clock)})
    system.wait_ready()
    try:
        yield
    finally:
        system.kill(name)
        system.start(name)
        system.wait_ready()


def _age(system: RunningSystem, account_id: str, days: int) -> None:
    """The account was created and last logged in `days` ago (the store edited: one account ages, not all)."""
    then = datetime.now(UTC) - timedelta(days=days)
    with store(system) as client:
        done = client[database_of(system, "identity")]["accounts"].update_one(
            {"_id": account_id}, {"$set": {"created_at": then, "last_login_at": then}}
        )
    assert done.matched_count == 1


def test_an_account_without_a_login_for_three_years_is_warned_then_deleted_thirty_days_later(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    gone, back, manager = (Someone(system, mail_server, AUTAN[0]) for _ in range(3))
    become_manager(system, manager, AUTAN[1])  # type: ignore[arg-type]  # the last manager of Autan
    for person in (gone, back, manager):
        person.http.delete("/api/v1/session")
        _age(system, person.account_id, 3 * 365 + 1)

    for person in (gone, back, manager):
        warning = mail_about(mail_server, person.email, "va être supprimé")
        assert (datetime.now(UTC) + timedelta(days=30)).strftime("%d/%m/%Y") in warning.body()
    back.log_in()  # a login keeps the account
    back.http.delete("/api/v1/session")
    with own_clock(system, "identity", 31 * DAY):
        mail_about(mail_server, gone.email, "a été supprimé")

        assert wait_until_gone(system, gone.traces()) == []
        with store(system) as client:
            accounts = client[database_of(system, "identity")]["accounts"]
            assert accounts.find_one({"_id": back.account_id, "email": back.email}) is not None
            # The last access manager stays, whatever the inactivity: the organisation would have nobody.
            assert accounts.find_one({"_id": manager.account_id, "email": manager.email}) is not None


def test_what_identity_keeps_briefly_is_gone_once_its_period_is_past(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    person = Someone(system, mail_server, AUTAN[0])
    other = system.client()
    assert log_in(other, person.email).status_code == 200
    captcha = new_captcha(other)  # made now, used in the past
    registration = start_registration(system.client(), f"retention.{person.account_id}@centre-formation.fr")
    with store(system) as client:
        identity = client[database_of(system, "identity")]
        # Closed today, a session is kept six months (183 days) with its address.
        person.http.delete("/api/v1/session")
        closed = identity["sessions"].find_one({"account_id": person.account_id, "revoked_at": {"$ne": None}})
        assert closed is not None
        assert abs(closed["forget_at"] - (closed["revoked_at"] + timedelta(days=183))) < timedelta(minutes=1)

        with own_clock(system, "identity", -184 * DAY):
            other.delete("/api/v1/session")  # closed 184 days ago: past its six months
            reset = other.post(
                "/api/v1/password-resets",
                json={"email": person.email, "captcha_id": captcha, "captcha_answer": "TEST-ANSWER"},
            )
            assert reset.status_code == 202, reset.text
            fresh = new_captcha(system.client())  # expired 184 days ago

            def forgotten() -> bool:
                return (
                    identity["sessions"].count_documents({"account_id": person.account_id}) == 0
                    and identity["password_resets"].count_documents({"_id": reset.json()["reset_id"]}) == 0
                    and identity["captchas"].count_documents({"_id": fresh}) == 0
                )

            assert eventually(forgotten, within=15)
        # An abandoned sign-up is kept 7 days, then forgotten (TTL on `forget_at`).
        kept = identity["registrations"].find_one({"_id": registration})
        assert kept is not None


def test_email_bodies_are_erased_after_a_year_and_the_rest_after_three(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    person = Someone(system, mail_server, AUTAN[0])
    with store(system) as client:
        emails = client[database_of(system, "notification")]["emails"]
        assert eventually(lambda: emails.count_documents({"account_id": person.account_id, "state": "sent"}) >= 1)
        with own_clock(system, "notification", 366 * DAY):
            assert eventually(
                lambda: emails.count_documents({"account_id": person.account_id, "masked_text": {"$ne": ""}}) == 0,
                within=30,
            )
            kept = emails.find_one({"account_id": person.account_id})
            assert kept is not None
            assert kept["subject"]  # the metadata stays
        with own_clock(system, "notification", 3 * 366 * DAY):
            assert eventually(lambda: emails.count_documents({"account_id": person.account_id}) == 0, within=30)
