"""A person's own data through the pages, against a fake gateway (the real one: tests/pages): « Modifier mon
adresse e-mail » and its code, « Télécharger mes données », « Supprimer mon compte » with each of its
refusals next to its field (or naming the organisation), and the public « Données personnelles »."""

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from web.config import WebSettings
from web.gateway import Gateway
from web.main import create_app
from web.sessions import MemorySessionStore

ORIGIN = "http://pages.test"
Answer = tuple[int, Any] | tuple[int, Any, dict[str, str]]
ME = {
    "account_id": "a1", "first_name": "Anaïs", "last_name": "Martin", "email": "anais@formation.fr",
    "kind": "user", "civility": "madame", "job_title": None, "phone": None, "siren": None, "habilitations": [],
    "csrf_token": "g-csrf",
}  # fmt: skip
EXPORT = {"exported_at": "2030-01-15T09:00:00Z", "identity": {}, "habilitation": {}, "emails": {"items": []}}
FILENAME = "efp-connect-mes-donnees-2030-01-15.json"
LAST_MANAGER = (
    409,
    {
        "code": "last_manager",
        "detail": "Vous êtes le dernier gestionnaire d'accès de Formation Plus (SIREN 123456789). "
        "Désignez un autre gestionnaire d'accès avant de supprimer votre compte.",
        "siren": "123456789",
    },
)
WRONG_PASSWORD = (
    400,
    {
        "code": "invalid_credentials",
        "detail": "Mot de passe incorrect.",
        "errors": [{"field": "password", "message": "Le mot de passe est incorrect."}],
    },
)


class FakeGateway:
    """Answers by (method, path); records every call with its JSON body."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], Answer | Callable[[httpx.Request], Answer]] = {
            ("POST", "/api/v1/captchas"): (201, {"captcha_id": "c1"}),
            ("POST", "/api/v1/session"): (
                200,
                {"csrf_token": "g-csrf", "second_factor_pending": False, "amr": ["pwd"]},
                {"set-cookie": "efp_session=s1; Path=/; HttpOnly"},
            ),
            ("GET", "/api/v1/me"): (200, ME),
        }
        self.calls: list[tuple[str, str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        self.calls.append((request.method, request.url.path, body))
        answer = self.answers.get((request.method, request.url.path), (404, {"code": "not_found", "detail": "?"}))
        if callable(answer):
            answer = answer(request)
        headers = answer[2] if len(answer) == 3 else {}  # type: ignore[misc]
        if answer[0] == 204:
            return httpx.Response(204, headers=headers)
        content_type = "application/problem+json" if answer[0] >= 400 else "application/json"
        return httpx.Response(answer[0], json=answer[1], headers={"content-type": content_type, **headers})

    def called(self, method: str, path: str) -> list[Any]:
        return [body for m, p, body in self.calls if (m, p) == (method, path)]


@pytest.fixture
def fake() -> FakeGateway:
    return FakeGateway()


@pytest.fixture
def web(fake: FakeGateway) -> Iterator[TestClient]:
    app = create_app(WebSettings(WEB_PUBLIC_URL=ORIGIN, EFP_ENVIRONMENT="test"), store=MemorySessionStore())  # type: ignore[call-arg]
    with TestClient(app, base_url=ORIGIN, follow_redirects=False) as client:
        app.state.gateway = Gateway(
            httpx.AsyncClient(base_url="http://gateway.test", transport=httpx.MockTransport(fake))
        )
        yield client


def token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def logged_in(web: TestClient) -> TestClient:
    page = web.get("/connexion")
    data = {"email": "anais@formation.fr", "password": "p", "captcha_id": "c1", "captcha_answer": "x", "suite": ""}
    assert web.post("/connexion", data={"csrf_token": token(page.text), **data}).status_code == 303
    return web


def post(web: TestClient, path: str, **fields: str) -> httpx.Response:
    return web.post(path, data={"csrf_token": token(web.get(path).text), **fields})


def error_of(html: str, field: str) -> str:
    found = re.search(rf'id="{field}-erreur" class="fr-error-text">([^<]*)<', html)
    assert found, f"no error under {field}"
    return found.group(1)


def test_my_account_links_to_my_data_s_pages(web: TestClient) -> None:
    shown = logged_in(web).get("/mon-compte").text

    for href, label in (
        ("/mon-compte/adresse-e-mail", "Modifier mon adresse e-mail"),
        ("/mon-compte/mes-donnees", "Télécharger mes données"),
        ("/mon-compte/supprimer", "Supprimer mon compte"),
    ):
        assert re.search(rf'href="{href}">{label}</a>', shown), label
    assert 'href="/donnees-personnelles"' in shown


def test_an_e_mail_change_goes_through_the_code_back_to_my_account(web: TestClient, fake: FakeGateway) -> None:
    later = (datetime.now(UTC) + timedelta(seconds=60)).isoformat()
    fake.answers[("POST", "/api/v1/me/email")] = (
        202,
        {"new_email": "anais.martin@formation.fr", "expires_at": later, "resendable_at": later},
    )
    logged_in(web)
    form = web.get("/mon-compte/adresse-e-mail")
    assert "anais@formation.fr" in form.text  # the address as it is now

    started = post(web, "/mon-compte/adresse-e-mail", new_email=" anais.martin@formation.fr ", password=" p ")

    assert (started.status_code, started.headers["location"]) == (303, "/mon-compte/adresse-e-mail/code")
    assert fake.called("POST", "/api/v1/me/email") == [{"new_email": "anais.martin@formation.fr", "password": "p"}]
    code_page = web.get("/mon-compte/adresse-e-mail/code")
    assert "<title>Saisissez le code – EFP Connect</title>" in code_page.text
    assert "<strong>anais.martin@formation.fr</strong>" in code_page.text
    assert "Renvoyer un code" not in code_page.text  # not before resendable_at
    assert "Vous pourrez demander un nouveau code à partir de" in code_page.text
    wrong_code = "Le code saisi est incorrect."
    fake.answers[("POST", "/api/v1/me/email/verify")] = (
        400,
        {"code": "invalid_code", "detail": wrong_code, "errors": [{"field": "code", "message": wrong_code}]},
    )
    wrong = post(web, "/mon-compte/adresse-e-mail/code", code="000000")
    assert wrong.status_code == 422
    assert error_of(wrong.text, "code") == "Le code saisi est incorrect."
    fake.answers[("POST", "/api/v1/me/email/verify")] = (200, {**ME, "email": "anais.martin@formation.fr"})

    done = post(web, "/mon-compte/adresse-e-mail/code", code="123 456")

    assert (done.status_code, done.headers["location"]) == (303, "/mon-compte?modifie=adresse-e-mail")
    assert fake.called("POST", "/api/v1/me/email/verify")[-1] == {"code": "123456"}
    assert "Votre adresse e-mail a été modifiée" in web.get(done.headers["location"]).text
    # The change is over: its code page is no more.
    assert web.get("/mon-compte/adresse-e-mail/code").headers["location"] == "/mon-compte/adresse-e-mail"


def test_a_code_may_be_asked_again_once_allowed_with_the_password_again(web: TestClient, fake: FakeGateway) -> None:
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    fake.answers[("POST", "/api/v1/me/email")] = (
        202,
        {"new_email": "n@formation.fr", "expires_at": past, "resendable_at": past},
    )
    logged_in(web)
    post(web, "/mon-compte/adresse-e-mail", new_email="n@formation.fr", password="p")

    code_page = web.get("/mon-compte/adresse-e-mail/code")

    assert 'href="/mon-compte/adresse-e-mail?renvoi=1">Renvoyer un code</a>' in code_page.text
    again = web.get("/mon-compte/adresse-e-mail?renvoi=1").text
    assert 'value="n@formation.fr"' in again
    assert "saisissez à nouveau votre mot de passe" in again


@pytest.mark.parametrize(
    ("answer", "field", "message"),
    [
        (WRONG_PASSWORD, "password", "Le mot de passe est incorrect."),
        ((422, {"code": "shared_mailbox", "detail": "Adresse partagée."}), "new_email", "Adresse partagée."),
    ],
)
def test_a_refused_start_shows_why_next_to_its_field(
    web: TestClient, fake: FakeGateway, answer: Answer, field: str, message: str
) -> None:
    fake.answers[("POST", "/api/v1/me/email")] = answer
    logged_in(web)

    refused = post(web, "/mon-compte/adresse-e-mail", new_email="n@formation.fr", password="p")

    assert refused.status_code == 422
    assert error_of(refused.text, field) == message
    assert 'value="n@formation.fr"' in refused.text


def test_an_ended_code_says_so_next_to_the_field_and_offers_to_start_again(web: TestClient, fake: FakeGateway) -> None:
    fake.answers[("POST", "/api/v1/me/email")] = (
        202,
        {"new_email": "n@formation.fr", "expires_at": "x", "resendable_at": "x"},
    )
    fake.answers[("POST", "/api/v1/me/email/verify")] = (409, {"code": "too_many_attempts", "detail": "Trop d'essais."})
    logged_in(web)
    post(web, "/mon-compte/adresse-e-mail", new_email="n@formation.fr", password="p")

    refused = post(web, "/mon-compte/adresse-e-mail/code", code="111111")

    assert error_of(refused.text, "code") == "Trop d&#39;essais."
    assert "Recommencer la modification de mon adresse e-mail" in refused.text


def test_my_data_are_downloaded_as_the_gateway_s_file(web: TestClient, fake: FakeGateway) -> None:
    fake.answers[("GET", "/api/v1/me/export")] = (
        200,
        EXPORT,
        {"content-disposition": f'attachment; filename="{FILENAME}"'},
    )
    logged_in(web)
    page = web.get("/mon-compte/mes-donnees")
    assert 'href="/mon-compte/mes-donnees/fichier"' in page.text

    file = web.get("/mon-compte/mes-donnees/fichier")

    assert file.status_code == 200
    assert file.headers["content-type"] == "application/json"
    assert file.headers["content-disposition"] == f'attachment; filename="{FILENAME}"'
    assert file.headers["cache-control"] == "no-store"
    assert file.json() == EXPORT


def test_a_deletion_needs_the_password_and_the_confirmation_each_next_to_its_field(
    web: TestClient, fake: FakeGateway
) -> None:
    logged_in(web)
    page = web.get("/mon-compte/supprimer")
    assert "Je comprends que cette suppression est définitive" in page.text
    assert "Ce qui est conservé" in page.text

    refused = post(web, "/mon-compte/supprimer", password="")

    assert refused.status_code == 422
    assert error_of(refused.text, "password") == "Indiquez votre mot de passe actuel."
    assert error_of(refused.text, "confirmation").startswith("Cochez cette case")
    assert fake.called("DELETE", "/api/v1/me") == []


def test_a_wrong_password_is_shown_next_to_it(web: TestClient, fake: FakeGateway) -> None:
    fake.answers[("DELETE", "/api/v1/me")] = WRONG_PASSWORD
    logged_in(web)

    refused = post(web, "/mon-compte/supprimer", password="faux", confirmation="oui")

    assert refused.status_code == 422
    assert error_of(refused.text, "password") == "Le mot de passe est incorrect."
    assert fake.called("DELETE", "/api/v1/me") == [{"password": "faux"}]


def test_the_last_manager_is_told_which_organisation_and_where_to_appoint_another(
    web: TestClient, fake: FakeGateway
) -> None:
    fake.answers[("DELETE", "/api/v1/me")] = LAST_MANAGER
    logged_in(web)

    refused = post(web, "/mon-compte/supprimer", password="p", confirmation="oui")

    assert refused.status_code == 409
    assert "dernier gestionnaire d&#39;accès de Formation Plus (SIREN 123456789)" in refused.text
    assert (
        'href="/gestion-des-acces/utilisateurs?siren=123456789">Gérer les accès de mon entreprise</a>' in refused.text
    )


def test_a_step_up_goes_through_the_second_factor_and_back_to_the_deletion(web: TestClient, fake: FakeGateway) -> None:
    fake.answers[("DELETE", "/api/v1/me")] = (403, {"code": "step_up_required", "detail": "Confirmez."})
    logged_in(web)

    asked = post(web, "/mon-compte/supprimer", password="p", confirmation="oui")

    assert asked.status_code == 303
    assert asked.headers["location"] == "/connexion/double-authentification?suite=/mon-compte/supprimer&motif=action"


def test_a_deleted_account_ends_the_web_session_on_a_public_page(web: TestClient, fake: FakeGateway) -> None:
    fake.answers[("DELETE", "/api/v1/me")] = (204, None)
    logged_in(web)
    before = web.cookies.get("efp_web")

    done = post(web, "/mon-compte/supprimer", password="p", confirmation="oui")

    assert (done.status_code, done.headers["location"]) == (303, "/compte-supprime")
    assert web.cookies.get("efp_web") != before
    shown = web.get("/compte-supprime")
    assert shown.status_code == 200
    assert "<h1>Votre compte a été supprimé</h1>" in shown.text
    assert web.get("/mon-compte").headers["location"].startswith("/connexion")


def test_the_personal_data_page_is_public_and_linked_from_every_footer(web: TestClient) -> None:
    shown = web.get("/donnees-personnelles")

    assert shown.status_code == 200
    assert shown.text.count('<th scope="row"') == 10
    for said in (
        "6 mois après la fin de la session",
        "1 an après leur envoi",
        "3 ans, puis supprimées",
        "pseudonymisée",
    ):
        assert said in shown.text
    assert 'class="fr-footer__bottom-link" href="/donnees-personnelles"' in web.get("/accessibilite").text
