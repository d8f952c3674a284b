"""« Télécharger mes données » and « Modifier mon adresse e-mail » through the gateway and the real SMTP."""

import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.access import become_manager
from tests.e2e.journeys import PASSWORD, code_in, log_in, unique_email
from tests.privacy.privacy_steps import SIROCCO, Someone, database_of, eventually, logged, store

pytestmark = pytest.mark.e2e


def test_the_export_holds_what_each_service_keeps_about_the_person(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    siren, siret, _ = SIROCCO
    manager = Someone(system, mail_server, siren)
    become_manager(system, manager, siret)  # type: ignore[arg-type]
    person = Someone(system, mail_server, siren)
    submitted = person.http.post("/api/v1/access-requests", json={"service": "ceres", "siret": siret})
    assert submitted.status_code == 201, submitted.text

    exported = person.http.get("/api/v1/me/export")

    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("application/json")
    assert 'attachment; filename="efp-connect-mes-donnees-' in exported.headers["content-disposition"]
    assert exported.headers["cache-control"] == "no-store"
    data = exported.json()
    identity = data["identity"]
    assert identity["account"]["email"] == person.email
    assert identity["account"]["phone"] == person.phone
    assert len(identity["sessions"]) >= 1
    assert any(session["current"] for session in identity["sessions"])
    assert all(session["client_ip"] for session in identity["sessions"])
    assert [r["id"] for r in data["habilitation"]["access_requests"]] == [submitted.json()["id"]]
    assert any(entry["record"] == "access_request" for entry in data["habilitation"]["history"])
    subjects = [item["subject"] for item in data["emails"]["items"]]
    assert any("créé" in subject for subject in subjects), subjects
    # The manager's export holds their own records: their manager right, not the person's request.
    theirs = manager.http.get("/api/v1/me/export").json()
    assert [right["siren"] for right in theirs["habilitation"]["manager_rights"]] == [siren]
    assert theirs["habilitation"]["access_requests"] == []
    assert theirs["identity"]["account"]["email"] == manager.email


def test_a_person_changes_their_address_with_a_code_sent_to_the_new_one(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    person = Someone(system, mail_server, SIROCCO[0])
    old_email, new_email = person.email, unique_email()
    elsewhere = system.client()
    assert log_in(elsewhere, old_email).status_code == 200

    started = person.http.post("/api/v1/me/email", json={"new_email": new_email, "password": PASSWORD})
    assert started.status_code == 202, started.text
    assert started.json()["new_email"] == new_email
    code = code_in(mail_server.wait_for_mail(new_email)[0].body())
    wrong = "000000" if code != "000000" else "111111"
    assert person.http.post("/api/v1/me/email/verify", json={"code": wrong}).json()["code"] == "invalid_code"
    verified = person.http.post("/api/v1/me/email/verify", json={"code": code})

    assert verified.status_code == 200, verified.text
    assert verified.json()["email"] == new_email
    assert person.http.get("/api/v1/me").json()["email"] == new_email
    assert elsewhere.get("/api/v1/me").status_code == 401  # the other sessions are closed
    notice = mail_server.wait_for_mail(old_email, count=3)[-1]
    assert "modifiée" in notice.subject
    assert new_email not in notice.body()  # the old mailbox sees a hint only
    assert log_in(system.client(), new_email).status_code == 200
    assert log_in(system.client(), old_email).json()["code"] == "invalid_credentials"
    # habilitation's copy follows the event.
    with store(system) as client:
        copies = client[database_of(system, "habilitation")]["accounts"]
        assert eventually(lambda: (copies.find_one({"_id": person.account_id}) or {}).get("email") == new_email)
    assert logged(system, {old_email, new_email, code}) == []


def test_an_address_that_is_taken_gets_a_notice_and_no_usable_code(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    person = Someone(system, mail_server, SIROCCO[0])
    other = Someone(system, mail_server, SIROCCO[0])
    received = len(mail_server.wait_for_mail(other.email, count=2))

    started = person.http.post("/api/v1/me/email", json={"new_email": other.email, "password": PASSWORD})

    assert started.status_code == 202, started.text  # the same reply as for a free address
    notice = mail_server.wait_for_mail(other.email, count=received + 1)[-1]
    assert "code" not in notice.subject.casefold()
    for guess in ("000000", "123456"):
        assert person.http.post("/api/v1/me/email/verify", json={"code": guess}).status_code in (400, 409)
    assert person.http.get("/api/v1/me").json()["email"] == person.email


def test_a_bad_new_address_or_password_changes_nothing(system: RunningSystem, mail_server: MailRecorder) -> None:
    person = Someone(system, mail_server, SIROCCO[0])

    shared = person.http.post(
        "/api/v1/me/email", json={"new_email": "contact@centre-formation.fr", "password": PASSWORD}
    )
    wrong = person.http.post("/api/v1/me/email", json={"new_email": unique_email(), "password": "Pas-Le-Bon-1"})
    same = person.http.post("/api/v1/me/email", json={"new_email": person.email, "password": PASSWORD})

    assert (shared.status_code, shared.json()["code"]) == (422, "shared_mailbox")
    assert (wrong.status_code, wrong.json()["code"]) == (400, "invalid_credentials")
    assert (same.status_code, same.json()["code"]) == (422, "validation_error")
    assert person.http.get("/api/v1/me").json()["email"] == person.email
