"""Issue 14, second factor, through the gateway: a TOTP application with single-use recovery codes, the
login's second step, the step-up that the gravest acts ask for, and the requirement for managers and agents.

Access managers and agents create access for others: a password alone no longer lets them. The test
system runs with HABILITATION_SECOND_FACTOR_REQUIRED off so that the rest of the suite logs in with a
password; step-up still applies to whoever enrolled, and the requirement's tests restart habilitation
with the setting on. Passkeys are tested in Chromium (tests/browser/test_second_factor_journey.py).
"""

import base64
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import bson
import httpx
import pymongo
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.access import Person, new_manager
from tests.e2e.journeys import unique_email
from tests.security.second_factor_steps import (
    enrol_totp,
    next_code,
    password_step,
    prove,
    two_step_login,
    wrong_code,
)

pytestmark = [pytest.mark.e2e, pytest.mark.security]
# La Poste's establishments: Paris 15e for the step-up test, Annecy for the requirement's.
LA_POSTE = ("356000000", "35600000000048", "35600000090052")
AGENT_PASSWORD = "Agent-Double-Facteur-2026!"


@pytest.fixture
def person(system: RunningSystem, mail_server: MailRecorder) -> Iterator[Person]:
    someone = Person(system, mail_server, "000010116")
    yield someone
    someone.http.close()


def new_agent(system: RunningSystem) -> tuple[str, httpx.Client]:
    """A ministry agent made by the operators' command (nationwide), logged in with its password."""
    email = unique_email().replace("centre-formation.fr", "travail.gouv.fr")
    identity = ("--last-name", "Garnier", "--first-name", "Inès", "--service", "DGEFP")
    code, _ = system.operate("agents", "create", "--email", email, *identity, stdin=f"{AGENT_PASSWORD}\n")
    assert code == 0
    http = system.client()
    password_step(http, email, AGENT_PASSWORD)
    return email, http


def status(http: httpx.Client) -> dict:  # type: ignore[type-arg]
    answer = http.get("/api/v1/me/second-factor")
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_with_a_totp_application_the_login_takes_two_steps(system: RunningSystem, person: Person) -> None:
    totp, codes = enrol_totp(person.http)

    assert status(person.http) | {"passkeys": None} == {
        "totp": True,
        "passkeys": None,
        "recovery_codes_left": 10,
        "enrolled": True,
        "required": False,
    }
    assert {"otp", "mfa"} <= set(person.me()["amr"])  # the enrolling session proved the code
    with system.client() as browser:
        opened = password_step(browser, person.email)
        assert (opened.json()["second_factor_pending"], opened.json()["amr"]) == (True, ["pwd"])
        pending_cookie = browser.cookies["efp_session"]

        waiting = browser.get("/api/v1/me")
        assert waiting.status_code == 401
        assert waiting.json()["code"] == "second_factor_pending"
        asked = browser.post("/api/v1/access-requests", json={"service": "ceres", "siret": "00001011600010"})
        assert asked.status_code == 401

        wrong = prove(browser, "totp", wrong_code(totp))
        assert wrong.status_code == 400
        assert (wrong.json()["code"], wrong.json()["detail"]) == ("invalid_code", "Le code saisi est incorrect.")

        proved = prove(browser, "totp", next_code(totp))
        assert proved.status_code == 200, proved.text
        assert proved.json()["second_factor_pending"] is False
        assert set(proved.json()["amr"]) == {"pwd", "otp", "mfa"}
        assert browser.cookies["efp_session"] != pending_cookie  # a new session, not the pending one upgraded
        me = browser.get("/api/v1/me")
        assert me.status_code == 200
        assert me.json()["second_factor_enrolled"] is True
    with system.client() as stale:
        stale.cookies.set("efp_session", pending_cookie)
        assert stale.get("/api/v1/me").status_code == 401
    assert len(set(codes)) == 10


def test_a_totp_code_is_accepted_once(system: RunningSystem, person: Person) -> None:
    totp, _ = enrol_totp(person.http)
    code = next_code(totp)
    with system.client() as first, system.client() as second:
        two_step_login(first, person.email, "totp", code)
        password_step(second, person.email)

        replayed = prove(second, "totp", code)

        assert replayed.status_code == 400
        assert replayed.json()["code"] == "invalid_code"


def test_one_code_used_twice_at_the_same_moment_opens_one_session(system: RunningSystem, person: Person) -> None:
    totp, _ = enrol_totp(person.http)
    code = next_code(totp)
    browsers = [system.client() for _ in range(4)]
    try:
        for browser in browsers:
            password_step(browser, person.email)
        with ThreadPoolExecutor(len(browsers)) as pool:
            answers = list(pool.map(lambda b: prove(b, "totp", code).status_code, browsers))
    finally:
        for browser in browsers:
            browser.close()

    assert sorted(answers) == [200, 400, 400, 400]


def test_a_recovery_code_works_once(system: RunningSystem, person: Person) -> None:
    _, codes = enrol_totp(person.http)
    with system.client() as lost_phone, system.client() as again:
        proved = two_step_login(lost_phone, person.email, "recovery_code", codes[0])
        assert {"otp", "mfa"} <= set(proved.json()["amr"])
        assert status(lost_phone)["recovery_codes_left"] == 9

        password_step(again, person.email)
        reused = prove(again, "recovery_code", codes[0])
        assert reused.status_code == 400
        assert reused.json()["code"] == "invalid_code"
        assert prove(again, "recovery_code", codes[1].lower().replace("-", " ")).status_code == 200  # as typed


def test_the_person_is_told_by_e_mail_when_the_second_factor_changes_or_a_recovery_code_is_used(
    system: RunningSystem, mail_server: MailRecorder, person: Person
) -> None:
    """ASVS V2.2.3: a factor added behind the person's back, or a recovery code used, does not go unnoticed."""
    before = len(mail_server.mails_to(person.email))
    _, codes = enrol_totp(person.http)
    [enrolled] = mail_server.wait_for_mail(person.email, count=before + 1)[before:]
    assert enrolled.subject == "Votre double authentification a été modifiée"
    assert "application d" in enrolled.body()

    with system.client() as lost_phone:
        two_step_login(lost_phone, person.email, "recovery_code", codes[0])
    [used] = mail_server.wait_for_mail(person.email, count=before + 2)[before + 1 :]
    assert used.subject == "Un code de secours a été utilisé pour vous connecter"
    assert "il vous en reste 9" in used.body()


def test_five_wrong_codes_close_the_pending_session(system: RunningSystem, person: Person) -> None:
    totp, codes = enrol_totp(person.http)
    with system.client() as guesser:
        password_step(guesser, person.email)
        for _ in range(4):
            assert prove(guesser, "totp", wrong_code(totp)).status_code == 400

        fifth = prove(guesser, "totp", wrong_code(totp))
        assert fifth.status_code == 401
        assert "identifier à nouveau" in fifth.json()["detail"]
        assert prove(guesser, "recovery_code", codes[0]).status_code == 401  # even a right code: it is closed
    with system.client() as owner:  # logging in again starts over
        two_step_login(owner, person.email, "recovery_code", codes[0])


def test_the_totp_secret_is_encrypted_at_rest(system: RunningSystem, person: Person) -> None:
    started = person.http.post("/api/v1/me/second-factor/totp")
    assert started.status_code == 201, started.text
    secret = started.json()["secret"]
    raw = base64.b32decode(secret + "=" * (-len(secret) % 8))
    infrastructure = system.infrastructure
    with pymongo.MongoClient(infrastructure.mongodb_url) as store:
        database = store[f"{infrastructure.database_prefix}identity"]
        documents = [bson.encode(d) for name in database.list_collection_names() for d in database[name].find()]
    assert documents
    assert not [d for d in documents if secret.encode() in d or raw in d]


def test_removing_a_factor_needs_a_fresh_second_factor(system: RunningSystem, person: Person) -> None:
    with system.client() as older:
        password_step(older, person.email)  # opened before the enrolment: a password alone
        _, codes = enrol_totp(person.http)

        refused = older.delete("/api/v1/me/second-factor/totp")
        assert refused.status_code == 403
        assert refused.json()["code"] == "step_up_required"
        assert status(older)["totp"] is True

        assert prove(older, "recovery_code", codes[0]).status_code == 200  # the step-up
        removed = older.delete("/api/v1/me/second-factor/totp")
        assert removed.status_code == 200, removed.text
        assert (removed.json()["enrolled"], removed.json()["recovery_codes_left"]) == (False, 0)
    with system.client() as later:
        assert password_step(later, person.email).json()["second_factor_pending"] is False


def test_appointing_and_withdrawing_a_manager_ask_for_a_fresh_second_factor(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    siren, siret, _ = LA_POSTE
    manager = new_manager(system, mail_server, siren, siret)
    colleague = Person(system, mail_server, siren)
    with system.client() as older:
        password_step(older, manager.email)
        _, codes = enrol_totp(manager.http)
        managers = f"/api/v1/organisations/{siren}/managers/{colleague.account_id}"

        refused = older.put(managers)
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "step_up_required"
        assert "confirmez votre identité" in refused.json()["detail"]
        assert manager.http.put(managers).status_code == 200  # fresh: the enrolment proved a code

        assert older.delete(managers).json()["code"] == "step_up_required"
        assert prove(older, "recovery_code", codes[0]).status_code == 200
        assert older.delete(managers).status_code == 204


def test_codes_are_issued_and_revealed_within_fifteen_minutes_of_a_second_factor(system: RunningSystem) -> None:
    email, older = new_agent(system)
    with system.client() as agent:
        password_step(agent, email, AGENT_PASSWORD)
        totp, _ = enrol_totp(agent)
        issued = agent.post("/api/v1/agent/activation-codes", json={"siret": "00001011600036", "service": "ceres"})
        assert issued.status_code == 201, issued.text
        letter = f"/api/v1/agent/activation-codes/{issued.json()['id']}/letter"
        assert agent.get(letter).status_code == 200
        # The letter holds the code in clear: its download is on record with the code (finding 10).
        listed = agent.get("/api/v1/agent/activation-codes", params={"siret": "00001011600036"}).json()["items"]
        [record] = [c for c in listed if c["id"] == issued.json()["id"]]
        assert record["letter_downloaded_by"] == agent.get("/api/v1/me").json()["account_id"]

        for refused in (
            older.post("/api/v1/agent/activation-codes", json={"siret": "00001011600036", "service": "ceres"}),
            older.get(letter),
        ):
            assert refused.status_code == 403, refused.text
            assert refused.json()["code"] == "step_up_required"

        system.shift_clock(16 * 60)
        try:
            body = {"siret": "00001011600036", "service": "ceres"}
            stale = agent.post("/api/v1/agent/activation-codes", json=body)
            assert stale.status_code == 403
            assert stale.json()["code"] == "step_up_required"
            # The services' clock moved 16 minutes: so does the application's.
            assert prove(agent, "totp", totp.at(time.time() + 16 * 60)).status_code == 200
            assert agent.post("/api/v1/agent/activation-codes", json=body).status_code == 201
        finally:
            system.shift_clock(0)
    older.close()


@pytest.fixture(scope="module")
def future_manager(system: RunningSystem, mail_server: MailRecorder) -> Person:
    """Made a manager while the requirement is off: the bootstrap agent who issues the code has no factor."""
    siren, _, siret = LA_POSTE
    return new_manager(system, mail_server, siren, siret)


@pytest.fixture
def second_factor_required(system: RunningSystem, future_manager: Person) -> Iterator[None]:
    """Habilitation as it runs by default, second factor required; back to the suite's setting after."""
    system.kill("habilitation")
    system.start("habilitation", {"HABILITATION_SECOND_FACTOR_REQUIRED": "true"})
    system.wait_ready()
    try:
        yield
    finally:
        system.kill("habilitation")
        system.start("habilitation")
        system.wait_ready()


@pytest.mark.usefixtures("second_factor_required")
def test_a_manager_uses_the_right_only_once_enrolled(future_manager: Person) -> None:
    siren = LA_POSTE[0]
    me = future_manager.me()
    assert (me["second_factor_required"], me["second_factor_enrolled"]) == (True, False)

    refused = future_manager.http.get(f"/api/v1/organisations/{siren}/users")
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "second_factor_required"
    assert "Mon compte" in refused.json()["detail"]

    enrol_totp(future_manager.http)
    assert future_manager.http.get(f"/api/v1/organisations/{siren}/users").status_code == 200


@pytest.mark.usefixtures("second_factor_required")
def test_an_agent_issues_codes_only_once_enrolled(system: RunningSystem, person: Person) -> None:
    _, agent = new_agent(system)
    try:
        assert agent.get("/api/v1/me").json()["second_factor_required"] is True
        refused = agent.post("/api/v1/agent/activation-codes", json={"siret": "00001011600051", "service": "ceres"})
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "second_factor_required"

        enrol_totp(agent)
        issued = agent.post("/api/v1/agent/activation-codes", json={"siret": "00001011600051", "service": "ceres"})
        assert issued.status_code == 201, issued.text
    finally:
        agent.close()
    # Someone with no right to use needs no second factor: their own requests go through.
    assert person.me()["second_factor_required"] is False
    assert person.http.get("/api/v1/me/access-requests").status_code == 200


@pytest.mark.usefixtures("second_factor_required")
def test_the_operators_command_line_still_issues_codes_for_an_agent(system: RunningSystem) -> None:
    """It has no session to show a second factor: its own access (the ops host, the broker user
    `operator`) authenticates it, while the agent's own password session is refused (test above)."""
    email, agent = new_agent(system)
    agent.close()

    code, lines = system.operate("activation-codes", "issue", "--siret", "00001011600051", "--agent", email)

    assert code == 0, lines
    assert lines[-1]["code"]
