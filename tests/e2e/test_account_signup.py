"""Sign-up in five steps through the gateway (guide §3.2), with its refusals."""

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from efp_runtime.polling import eventually_sync
from tests.e2e.journeys import (
    EMERAUDE_SIREN,
    PASSWORD,
    code_in,
    create_account,
    log_in,
    new_captcha,
    start_registration,
    unique_email,
    verified_registration,
)

pytestmark = pytest.mark.e2e


def test_five_steps_create_the_account_and_send_the_confirmation(
    client: httpx.Client, mail_server: MailRecorder
) -> None:
    email = unique_email()

    account_id = create_account(client, mail_server, email)

    mails = mail_server.wait_for_mail(email, count=2)
    confirmation = mails[1]
    assert confirmation.subject == "Votre compte EFP Connect est créé"
    assert "Bonjour Madame Anaïs Lefèvre-Dubois," in confirmation.body()
    response = log_in(client, email)
    assert response.status_code == 200, response.text
    assert response.json()["account"]["account_id"] == account_id
    assert response.json()["account"]["siren"] == EMERAUDE_SIREN
    assert response.json()["account"]["job_title"] == "Responsable pédagogique"


def test_steps_cannot_be_skipped_or_replayed(client: httpx.Client, mail_server: MailRecorder) -> None:
    registration_id = verified_registration(client, mail_server, unique_email())
    identity = {"civility": "monsieur", "last_name": "Martin", "first_name": "Hugo"}

    skipped = client.post(f"/api/v1/registrations/{registration_id}/identity", json=identity)
    assert skipped.status_code == 409
    assert skipped.json()["code"] == "wrong_step"
    password = {"password": PASSWORD, "password_confirmation": PASSWORD}
    assert client.post(f"/api/v1/registrations/{registration_id}/password", json=password).status_code == 200
    replayed = client.post(f"/api/v1/registrations/{registration_id}/password", json=password)
    assert replayed.status_code == 409


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Court-1a", "Le mot de passe doit contenir au moins 12 caractères."),
        ("toutenminusculessanschiffre", "au moins 3 des 4 types de caractères"),
        ("Azertyuiop2024!", "Ce mot de passe est trop courant."),
    ],
)
def test_a_weak_password_is_refused_with_the_rule_it_breaks(
    client: httpx.Client, mail_server: MailRecorder, password: str, message: str
) -> None:
    registration_id = verified_registration(client, mail_server, unique_email())

    response = client.post(
        f"/api/v1/registrations/{registration_id}/password",
        json={"password": password, "password_confirmation": password},
    )

    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "weak_password"
    assert any(message in error["message"] and error["field"] == "password" for error in problem["errors"])


def test_a_password_containing_the_address_is_refused(client: httpx.Client, mail_server: MailRecorder) -> None:
    email = unique_email()
    registration_id = verified_registration(client, mail_server, email)
    password = email.split("@")[0].upper() + "-2026!"

    response = client.post(
        f"/api/v1/registrations/{registration_id}/password",
        json={"password": password, "password_confirmation": password},
    )

    assert response.json()["errors"] == [
        {"field": "password", "message": "Le mot de passe ne doit pas contenir votre adresse e-mail."}
    ]


def test_mismatched_confirmation_is_reported_on_its_field(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/registrations/any/password", json={"password": PASSWORD, "password_confirmation": PASSWORD + "x"}
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "password_confirmation", "message": "Les deux mots de passe saisis ne sont pas identiques."}
    ]


def test_names_with_accents_and_hyphens_are_accepted_and_digits_are_not(
    client: httpx.Client, mail_server: MailRecorder
) -> None:
    registration_id = verified_registration(client, mail_server, unique_email())
    client.post(
        f"/api/v1/registrations/{registration_id}/password",
        json={"password": PASSWORD, "password_confirmation": PASSWORD},
    )

    refused = client.post(
        f"/api/v1/registrations/{registration_id}/identity",
        json={"civility": "madame", "last_name": "Dupont3", "first_name": "Zoé"},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "last_name"
    accepted = client.post(
        f"/api/v1/registrations/{registration_id}/identity",
        json={"civility": "madame", "last_name": "  N'Diaye-Lefèvre ", "first_name": "Zoé"},
    )
    assert accepted.status_code == 200
    assert accepted.json()["step"] == "organisation"


def test_the_organisation_must_exist_and_the_terms_be_accepted(client: httpx.Client, mail_server: MailRecorder) -> None:
    registration_id = verified_registration(client, mail_server, unique_email())
    client.post(
        f"/api/v1/registrations/{registration_id}/password",
        json={"password": PASSWORD, "password_confirmation": PASSWORD},
    )
    client.post(
        f"/api/v1/registrations/{registration_id}/identity",
        json={"civility": "monsieur", "last_name": "Martin", "first_name": "Hugo"},
    )
    url = f"/api/v1/registrations/{registration_id}/organisation"

    no_terms = client.post(url, json={"siren": EMERAUDE_SIREN, "accept_terms": False})
    unknown = client.post(url, json={"siren": "732829320", "accept_terms": True})

    assert no_terms.status_code == 422
    assert no_terms.json()["errors"][0]["field"] == "accept_terms"
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "siren"


def test_an_address_with_an_account_gets_the_same_answer_and_its_owner_a_warning(
    client: httpx.Client, mail_server: MailRecorder
) -> None:
    email = unique_email()
    create_account(client, mail_server, email)
    before = len(mail_server.mails_to(email))

    registration_id = start_registration(client, email)

    [warning] = mail_server.wait_for_mail(email, count=before + 1)[before:]
    assert warning.subject == "Tentative de création d'un compte EFP Connect avec votre adresse"
    assert "un compte existe déjà pour cette adresse" in warning.body()
    attempt = client.post(f"/api/v1/registrations/{registration_id}/verify", json={"code": "123456"})
    assert attempt.json()["code"] == "invalid_code"


def test_a_shared_mailbox_is_refused(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/registrations",
        json={
            "email": "contact@centre-formation.fr",
            "captcha_id": new_captcha(client),
            "captcha_answer": "TEST-ANSWER",
        },
    )

    assert response.status_code == 422
    assert response.json()["code"] == "shared_mailbox"
    assert "adresse e-mail partagée" in response.json()["detail"]


def test_resend_waits_for_the_cooldown_then_sends_a_new_code(client: httpx.Client, mail_server: MailRecorder) -> None:
    email = unique_email()
    registration_id = start_registration(client, email)
    first = code_in(mail_server.wait_for_mail(email)[0].body())

    too_early = client.post(f"/api/v1/registrations/{registration_id}/resend-code")
    assert too_early.status_code == 409
    assert too_early.json()["code"] == "too_early"
    assert int(too_early.headers["Retry-After"]) >= 1

    # The test configuration's cooldown is 1 s: poll until it is over.
    resent = eventually_sync(
        lambda: client.post(f"/api/v1/registrations/{registration_id}/resend-code"),
        lambda answer: answer.status_code != 409,
        within=5,
        every=0.2,
    )
    assert resent.status_code == 202
    second = code_in(mail_server.wait_for_mail(email, count=2)[1].body())
    old = client.post(f"/api/v1/registrations/{registration_id}/verify", json={"code": first})
    assert first == second or old.json()["code"] == "invalid_code"
    assert client.post(f"/api/v1/registrations/{registration_id}/verify", json={"code": second}).status_code == 200
