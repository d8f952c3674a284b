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
from tests.e2e.journeys import log_in, new_captcha
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


def test_what_identity_keeps_briefly_carries_its_end_and_the_store_forgets_it_then(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    """The TTL rules: the store deletes by its own clock, so the test reads the end each write sets, then moves
    those ends into the past (the store edited) and sees the store's TTL monitor delete the documents."""
    person = Someone(system, mail_server, AUTAN[0])
    other = system.client()
    assert log_in(other, person.email).status_code == 200
    other.headers["X-CSRF-Token"] = other.get("/api/v1/me").json()["csrf_token"]
    assert other.delete("/api/v1/session").status_code == 204
    captcha = new_captcha(system.client())
    reset = system.client().post(
        "/api/v1/password-resets", json={"email": person.email, "captcha_id": captcha, "captcha_answer": "TEST-ANSWER"}
    )
    assert reset.status_code == 202, reset.text
    with store(system) as client:
        identity = client[database_of(system, "identity")]
        closed = identity["sessions"].find_one({"account_id": person.account_id, "revoked_at": {"$ne": None}})
        registration = identity["registrations"].find_one({"email": person.email})
        assert closed is not None
        assert registration is not None
        # A closed session is kept six months (183 days) with its address; a finished sign-up a day.
        assert abs(closed["forget_at"] - (closed["revoked_at"] + timedelta(days=183))) < timedelta(minutes=1)
        assert timedelta(hours=23) < registration["forget_at"] - registration["created_at"] < timedelta(days=2)
        ttl = {
            name: {
                spec["key"][0][0]: spec["expireAfterSeconds"]
                for spec in identity[name].index_information().values()
                if "expireAfterSeconds" in spec
            }
            for name in ("sessions", "registrations", "password_resets", "captchas")
        }
        assert ttl == {
            "sessions": {"forget_at": 0},
            "registrations": {"forget_at": 0},
            "password_resets": {"expires_at": 7 * DAY},
            "captchas": {"expires_at": 0},
        }

        past = datetime.now(UTC) - timedelta(seconds=1)
        identity["sessions"].update_one({"_id": closed["_id"]}, {"$set": {"forget_at": past}})
        identity["registrations"].update_one({"_id": registration["_id"]}, {"$set": {"forget_at": past}})
        identity["password_resets"].update_one(
            {"_id": reset.json()["reset_id"]}, {"$set": {"expires_at": past - timedelta(days=7)}}
        )

        def forgotten() -> bool:
            return (
                identity["sessions"].count_documents({"_id": closed["_id"]}) == 0
                and identity["registrations"].count_documents({"_id": registration["_id"]}) == 0
                and identity["password_resets"].count_documents({"_id": reset.json()["reset_id"]}) == 0
            )

        assert eventually(forgotten, within=15)


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
