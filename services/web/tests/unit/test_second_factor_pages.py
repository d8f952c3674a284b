"""The second factor's pages against a fake gateway (the real one is exercised by tests/pages): the
login's second step, step-up from any page, the enrolment page, and the sign-in's `acr_values`."""

import json
import re
from collections.abc import Callable, Iterator
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
STEP_UP = (
    403,
    {
        "code": "step_up_required",
        "detail": "Pour cette action, confirmez votre identité avec votre double authentification.",
    },
)
ME = {
    "account_id": "a1", "first_name": "Anaïs", "last_name": "Martin", "email": "a@x.fr", "kind": "person",
    "civility": "madame", "job_title": None, "phone": None, "siren": None, "habilitations": [],
}  # fmt: skip
STATUS = {"totp": True, "passkeys": [], "recovery_codes_left": 10, "enrolled": True, "required": False}


class FakeGateway:
    """Answers by (method, path); records every call with the gateway cookie it carried."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], Answer | Callable[[httpx.Request], Answer]] = {
            ("POST", "/api/v1/captchas"): (201, {"captcha_id": "c1"}),
            ("GET", "/api/v1/me"): (200, ME),
            ("GET", "/api/v1/me/second-factor"): (200, STATUS),
        }
        self.calls: list[tuple[str, str, Any, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        self.calls.append((request.method, request.url.path, body, request.headers.get("cookie", "")))
        answer = self.answers.get((request.method, request.url.path), (404, {"code": "not_found", "detail": "?"}))
        if callable(answer):
            answer = answer(request)
        headers = answer[2] if len(answer) == 3 else {}  # type: ignore[misc]
        content_type = "application/problem+json" if answer[0] >= 400 else "application/json"
        return httpx.Response(answer[0], json=answer[1], headers={"content-type": content_type, **headers})

    def called(self, method: str, path: str) -> list[tuple[str, str, Any, str]]:
        return [c for c in self.calls if c[0] == method and c[1] == path]


def opened(cookie: str, pending: bool = False, csrf: str = "g-csrf") -> Answer:
    body = {"csrf_token": csrf, "second_factor_pending": pending, "amr": ["pwd"]}
    return (200, body, {"set-cookie": f"efp_session={cookie}; Path=/; HttpOnly"})


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


def log_in(web: TestClient, fake: FakeGateway, pending: bool, suite: str = "") -> httpx.Response:
    fake.answers[("POST", "/api/v1/session")] = opened("pending" if pending else "full", pending)
    page = web.get("/connexion")
    data = {
        "csrf_token": token(page.text),
        "email": "a@x.fr",
        "password": "p",
        "captcha_id": "c1",
        "captcha_answer": "x",
    }
    return web.post("/connexion", data={**data, "suite": suite})


def test_a_pending_login_asks_for_the_second_factor_then_goes_on(web: TestClient, fake: FakeGateway) -> None:
    answer = log_in(web, fake, pending=True, suite="/mon-compte")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/connexion/double-authentification?suite=/mon-compte"
    page = web.get(answer.headers["location"])
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.text
    assert 'inputmode="numeric"' in page.text
    assert "Utiliser une clé d’accès" in page.text
    assert "Utiliser un code de secours" in page.text
    assert "/static/second-factor.js" in page.text
    assert not fake.called("GET", "/api/v1/me")  # a pending session opens nothing else
    fake.answers[("POST", "/api/v1/session/second-factor")] = (
        400,
        {"code": "invalid_code", "detail": "Le code saisi est incorrect."},
    )
    data = {"csrf_token": token(page.text), "suite": "/mon-compte", "method": "totp", "code": "000000"}
    wrong = web.post("/connexion/double-authentification", data=data)
    assert wrong.status_code == 422
    assert 'aria-describedby="code-erreur"' in wrong.text
    assert re.search(r'id="code-erreur" class="fr-error-text">Le code saisi est incorrect\.<', wrong.text)
    fake.answers[("POST", "/api/v1/session/second-factor")] = opened("full", csrf="new-csrf")
    cookie_before = web.cookies.get("efp_web")
    right = web.post("/connexion/double-authentification", data={**data, "code": "123 456"})
    assert right.status_code == 303
    assert right.headers["location"] == "/mon-compte"
    assert web.cookies.get("efp_web") != cookie_before  # rotated with the gateway's new session
    assert fake.called("POST", "/api/v1/session/second-factor")[-1][2] == {"method": "totp", "code": "123456"}
    web.get("/mon-compte")
    assert "efp_session=full" in fake.called("GET", "/api/v1/me")[-1][3]


def test_the_second_step_never_leads_off_site(web: TestClient, fake: FakeGateway) -> None:
    log_in(web, fake, pending=True)
    page = web.get("/connexion/double-authentification?suite=https://evil.example/x")
    assert "evil.example" not in page.text
    fake.answers[("POST", "/api/v1/session/second-factor")] = opened("full")
    data = {
        "csrf_token": token(page.text),
        "suite": "//evil.example",
        "method": "recovery_code",
        "recovery_code": "abcd-efgh",
    }
    done = web.post("/connexion/double-authentification", data=data)
    assert done.headers["location"] == "/accueil"


def test_a_passkey_answer_is_sent_as_an_object_and_options_need_the_token(web: TestClient, fake: FakeGateway) -> None:
    log_in(web, fake, pending=True)
    page = web.get("/connexion/double-authentification")
    fake.answers[("POST", "/api/v1/session/second-factor/challenge")] = (200, {"options": {"challenge": "abc"}})
    assert web.post("/connexion/double-authentification/options").status_code == 403
    options = web.post("/connexion/double-authentification/options", headers={"X-CSRF-Token": token(page.text)})
    assert options.json() == {"options": {"challenge": "abc"}}
    fake.answers[("POST", "/api/v1/session/second-factor")] = opened("full")
    credential = {"id": "k", "response": {}}
    data = {"csrf_token": token(page.text), "suite": "", "method": "passkey", "credential": json.dumps(credential)}
    assert web.post("/connexion/double-authentification", data=data).status_code == 303
    assert fake.called("POST", "/api/v1/session/second-factor")[-1][2] == {
        "method": "passkey",
        "credential": credential,
    }


def test_too_many_wrong_codes_send_back_to_the_login_with_why(web: TestClient, fake: FakeGateway) -> None:
    log_in(web, fake, pending=True)
    page = web.get("/connexion/double-authentification")
    detail = "Trop de codes erronés : reconnectez-vous."
    fake.answers[("POST", "/api/v1/session/second-factor")] = (409, {"code": "too_many_attempts", "detail": detail})
    data = {"csrf_token": token(page.text), "suite": "/accueil", "method": "totp", "code": "111111"}
    closed = web.post("/connexion/double-authentification", data=data)
    assert closed.headers["location"].startswith("/connexion?suite=")
    assert detail in web.get("/connexion").text


def test_a_step_up_from_a_management_form_comes_back_to_its_page(web: TestClient, fake: FakeGateway) -> None:
    log_in(web, fake, pending=False)
    fake.answers[("GET", "/api/v1/me")] = (200, {**ME, "manager_of": ["123456789"]})
    fake.answers[("GET", "/api/v1/organisations")] = (200, {"items": []})
    fake.answers[("PUT", "/api/v1/organisations/123456789/managers/b2")] = STEP_UP
    home = web.get("/accueil")
    answer = web.post("/gestion-des-acces/utilisateurs/b2/responsable", data={"csrf_token": token(home.text)})
    assert answer.status_code == 303
    assert answer.headers["location"] == (
        "/connexion/double-authentification?suite=/gestion-des-acces/utilisateurs/b2&motif=action"
    )
    page = web.get(answer.headers["location"])
    assert "Pour cette action, confirmez votre identité" in page.text
    assert 'name="suite" value="/gestion-des-acces/utilisateurs/b2"' in page.text


def test_an_agent_asked_to_step_up_for_a_letter_comes_back_to_a_page_offering_it(
    web: TestClient, fake: FakeGateway
) -> None:
    log_in(web, fake, pending=False)
    fake.answers[("GET", "/api/v1/me")] = (200, {**ME, "kind": "agent"})
    fake.answers[("GET", "/api/v1/agent/activation-codes/k9/letter")] = STEP_UP
    fake.answers[("POST", "/api/v1/agent/activation-codes")] = STEP_UP
    letter = web.get("/agent/codes-activation/k9/courrier")
    assert letter.headers["location"].endswith("suite=/agent/codes-activation%3Fcourrier%3Dk9&motif=action")
    assert 'href="/agent/codes-activation/k9/courrier"' in web.get("/agent/codes-activation?courrier=k9").text
    home = web.get("/accueil")
    issued = web.post("/agent/codes-activation", data={"csrf_token": token(home.text), "siret": "12345678901234"})
    assert issued.headers["location"].endswith("suite=/agent/codes-activation&motif=action")


def test_a_right_without_second_factor_says_where_to_enrol(web: TestClient, fake: FakeGateway) -> None:
    log_in(web, fake, pending=False)
    fake.answers[("GET", "/api/v1/me")] = (200, {**ME, "kind": "agent"})
    detail = "Pour utiliser vos droits, configurez d’abord la double authentification depuis « Mon compte »."
    fake.answers[("GET", "/api/v1/agent/activation-codes")] = (
        403,
        {"code": "second_factor_required", "detail": detail},
    )
    page = web.get("/agent/codes-activation?siret=12345678901234")
    assert page.status_code == 403
    assert "fr-alert--warning" in page.text
    assert "depuis « Mon compte »" in page.text
    assert (
        'href="/mon-compte/double-authentification?suite=/agent/codes-activation%3Fsiret%3D12345678901234&amp;motif=obligatoire"'
        in page.text
    )


def test_a_login_whose_rights_need_a_second_factor_goes_to_the_enrolment(web: TestClient, fake: FakeGateway) -> None:
    fake.answers[("GET", "/api/v1/me")] = (200, {**ME, "second_factor_required": True, "second_factor_enrolled": False})
    answer = log_in(web, fake, pending=False, suite="/gestion-des-acces/utilisateurs")
    assert answer.headers["location"] == (
        "/mon-compte/double-authentification?suite=/gestion-des-acces/utilisateurs&motif=obligatoire"
    )
    fake.answers[("GET", "/api/v1/me/second-factor")] = (
        200,
        {**STATUS, "totp": False, "enrolled": False, "recovery_codes_left": 0},
    )
    page = web.get(answer.headers["location"])
    assert "vous devez d’abord configurer la double authentification" in page.text
    assert 'href="/gestion-des-acces/utilisateurs"' in page.text


def test_an_authenticator_application_is_enrolled_and_its_recovery_codes_shown_once(
    web: TestClient, fake: FakeGateway
) -> None:
    log_in(web, fake, pending=False)
    fake.answers[("GET", "/api/v1/me/second-factor")] = (
        200,
        {**STATUS, "totp": False, "enrolled": False, "recovery_codes_left": 0},
    )
    page = web.get("/mon-compte/double-authentification")
    assert page.status_code == 200
    assert "Configurer une application d’authentification" in page.text
    secret = "JBSWY3DPEHPK3PXPJBSWY3DP"
    uri = f"otpauth://totp/EFP%20Connect:a%40x.fr?secret={secret}&issuer=EFP%20Connect"
    fake.answers[("POST", "/api/v1/me/second-factor/totp")] = (201, {"secret": secret, "otpauth_uri": uri})
    started = web.post("/mon-compte/double-authentification/application", data={"csrf_token": token(page.text)})
    assert started.headers["location"] == "/mon-compte/double-authentification/application"
    shown = web.get(started.headers["location"])
    assert "<svg" in shown.text
    assert "style=" not in shown.text.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'role="img" aria-label="QR code' in shown.text
    assert "JBSW Y3DP EHPK 3PXP JBSW Y3DP" in shown.text
    fake.answers[("POST", "/api/v1/me/second-factor/totp/confirm")] = (
        400,
        {"code": "invalid_code", "detail": "Le code saisi est incorrect."},
    )
    wrong = web.post(
        "/mon-compte/double-authentification/application/confirmer", data={"csrf_token": token(shown.text), "code": "1"}
    )
    assert wrong.status_code == 422
    assert 'id="code-erreur"' in wrong.text
    assert "JBSW Y3DP" in wrong.text
    codes = [f"code-{n}" for n in range(10)]
    fake.answers[("POST", "/api/v1/me/second-factor/totp/confirm")] = (200, {"recovery_codes": codes})
    right = web.post(
        "/mon-compte/double-authentification/application/confirmer",
        data={"csrf_token": token(shown.text), "code": "123456"},
    )
    assert right.headers["location"] == "/mon-compte/double-authentification?fait=application"
    fake.answers[("GET", "/api/v1/me/second-factor")] = (200, STATUS)
    after = web.get(right.headers["location"])
    assert all(code in after.text for code in codes)
    assert "Conservez ces codes" in after.text
    assert "code-3" not in web.get("/mon-compte/double-authentification").text  # shown once
    assert (
        web.get("/mon-compte/double-authentification/application").headers["location"]
        == "/mon-compte/double-authentification"
    )


def test_removing_a_factor_without_a_fresh_one_steps_up_then_comes_back(web: TestClient, fake: FakeGateway) -> None:
    log_in(web, fake, pending=False)
    fake.answers[("DELETE", "/api/v1/me/second-factor/totp")] = STEP_UP
    page = web.get("/mon-compte/double-authentification")
    answer = web.post(
        "/mon-compte/double-authentification/application/supprimer", data={"csrf_token": token(page.text)}
    )
    assert (
        answer.headers["location"]
        == "/connexion/double-authentification?suite=/mon-compte/double-authentification&motif=action"
    )
    fake.answers[("POST", "/api/v1/me/second-factor/passkeys/options")] = STEP_UP
    options = web.post("/mon-compte/double-authentification/cles/options", headers={"X-CSRF-Token": token(page.text)})
    assert options.status_code == 403
    assert options.json()["location"].startswith("/connexion/double-authentification?")


def test_a_sign_in_asking_for_a_second_factor_goes_through_it(web: TestClient, fake: FakeGateway) -> None:
    log_in(web, fake, pending=False)
    fake.answers[("GET", "/api/v1/oidc/clients/ceres")] = (200, {"name": "CERES"})
    fake.answers[("POST", "/api/v1/oidc/authorization-codes")] = STEP_UP
    params = {
        "client_id": "ceres", "redirect_uri": "https://ceres.test/cb", "response_type": "code", "scope": "openid",
        "code_challenge": "x" * 43, "code_challenge_method": "S256", "state": "s", "acr_values": "efp:mfa",
    }  # fmt: skip
    answer = web.get("/oidc/authorize", params=params)
    assert (
        answer.headers["location"] == "/connexion/double-authentification?suite=/oidc/authorize/suite&motif=application"
    )
    assert fake.called("POST", "/api/v1/oidc/authorization-codes")[-1][2]["acr_values"] == "efp:mfa"
    fake.answers[("POST", "/api/v1/oidc/authorization-codes")] = (201, {"code": "the-code"})
    fake.answers[("POST", "/api/v1/session/second-factor")] = opened("mfa")
    page = web.get(answer.headers["location"])
    data = {"csrf_token": token(page.text), "suite": "/oidc/authorize/suite", "method": "totp", "code": "123456"}
    done = web.post("/connexion/double-authentification", data=data)
    assert done.headers["location"].startswith("https://ceres.test/cb?code=the-code&state=s")
