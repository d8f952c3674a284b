"""Single sign-on through the pages (no browser): the provider's screens, the way back to the
application, and a person without access sent to the no-access page, then back once access exists."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import httpx

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import OIDC_TEST_CLIENT, RunningSystem
from tests.e2e.access import Person, become_manager
from tests.e2e.journeys import PASSWORD, code_in, unique_email
from tests.pages.browsing import form_token, log_in, post_form, start_sign_up
from tests.pages.catalogue import check_screen

AUTAN = ("000030098", "00003009800016")  # « Institut de Formation Autan », reserved for these tests
CALLBACK = OIDC_TEST_CLIENT["redirect_uris"][0]
VERIFIER = secrets.token_urlsafe(48)
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()


def authorization(**changes: str) -> dict[str, str]:
    return {
        "client_id": OIDC_TEST_CLIENT["client_id"], "redirect_uri": CALLBACK, "response_type": "code",
        "scope": "openid profile", "state": "s-1", "nonce": "n-1",
        "code_challenge": CHALLENGE, "code_challenge_method": "S256", **changes,
    }  # fmt: skip


def test_the_discovery_document_is_served_at_the_issuer(system: RunningSystem) -> None:
    document = httpx.get(f"{system.web_url}/.well-known/openid-configuration").json()

    assert document["issuer"] == system.web_url
    assert document["authorization_endpoint"] == f"{system.web_url}/oidc/authorize"
    assert document["token_endpoint"] == f"{system.gateway_url}/oidc/token"
    assert httpx.get(document["jwks_uri"]).json()["keys"][0]["alg"] == "ES256"


def test_an_unknown_application_gets_an_error_page_and_no_redirect(browser_like: httpx.Client) -> None:
    for changes in ({"client_id": "unknown"}, {"redirect_uri": "https://attacker.example/cb"}):
        page = browser_like.get("/oidc/authorize", params=authorization(**changes))

        assert page.status_code == 400
        assert "location" not in page.headers
        check_screen("connexion-impossible", page.text)


def test_a_person_without_access_sees_the_no_access_page_then_returns_once_access_exists(
    system: RunningSystem, mail_server: MailRecorder, browser_like: httpx.Client
) -> None:
    person = Person(system, mail_server, AUTAN[0])
    asked = browser_like.get("/oidc/authorize", params=authorization())
    assert asked.headers["location"] == "/connexion?suite=/oidc/authorize/suite"
    # While the sign-in waits, the login form may end (through redirects) at the application.
    login = browser_like.get("/connexion")
    assert "form-action 'self' http://rp.test" in login.headers["content-security-policy"]

    no_access = log_in(browser_like, person.email, PASSWORD)  # the sign-in goes on at once

    assert no_access.headers["location"] == "/acces"
    assert "Vous n’avez pas accès au service numérique CERES" in browser_like.get("/acces").text
    become_manager(system, person, AUTAN[1])  # the activation code: access exists now
    back = browser_like.get("/oidc/authorize/suite")
    answer = parse_qs(urlsplit(back.headers["location"]).query)
    assert back.headers["location"].startswith(CALLBACK + "?")
    assert (answer["state"], answer["iss"]) == (["s-1"], [system.web_url])
    assert len(answer["code"][0]) > 40


def test_a_person_without_an_account_creates_one_and_the_sign_in_resumes_after_login(
    mail_server: MailRecorder, browser_like: httpx.Client
) -> None:
    assert browser_like.get("/oidc/authorize", params=authorization()).headers["location"].startswith("/connexion")
    email = unique_email()
    code_path = start_sign_up(browser_like, email).headers["location"]
    code = code_in(mail_server.wait_for_mail(email)[0].body())
    password_path = post_form(browser_like, code_path, code=code).headers["location"]
    identity_path = post_form(browser_like, password_path, password=PASSWORD, password_confirmation=PASSWORD)
    organisation_path = post_form(
        browser_like, identity_path.headers["location"], civility="madame", last_name="Autan", first_name="Zoé"
    ).headers["location"]
    created = post_form(
        browser_like, organisation_path, job_title="Formatrice", q=AUTAN[0], siren=AUTAN[0], accept_terms="oui"
    )
    assert created.headers["location"] == "/inscription/compte-cree"

    logged_in = log_in(browser_like, email, PASSWORD)

    # The sign-in goes on at once; a new account has no access to CERES yet: the no-access page,
    # whose ways lead back to /oidc/authorize/suite.
    assert logged_in.headers["location"] == "/acces"


def test_prompt_none_without_a_session_goes_back_with_login_required(browser_like: httpx.Client) -> None:
    answer = browser_like.get("/oidc/authorize", params=authorization(prompt="none"))

    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert answer.headers["location"].startswith(CALLBACK + "?")
    assert (query["error"], query["state"]) == (["login_required"], ["s-1"])


def test_a_logout_without_hint_is_confirmed_first(browser_like: httpx.Client) -> None:
    back = OIDC_TEST_CLIENT["post_logout_redirect_uris"][0]
    asked = browser_like.get(
        "/oidc/logout",
        params={"client_id": OIDC_TEST_CLIENT["client_id"], "post_logout_redirect_uri": back, "state": "x"},
    )

    check_screen("deconnexion-application", asked.text)
    assert "form-action 'self' http://rp.test" in asked.headers["content-security-policy"]
    confirmed = browser_like.post(
        "/oidc/logout/confirmer",
        data={
            "csrf_token": form_token(asked.text),
            "client_id": OIDC_TEST_CLIENT["client_id"],
            "post_logout_redirect_uri": back,
            "state": "x",
        },
    )
    assert confirmed.headers["location"] == f"{back}?state=x"


def test_a_logout_to_an_unregistered_address_is_refused(browser_like: httpx.Client) -> None:
    asked = browser_like.get(
        "/oidc/logout",
        params={"client_id": OIDC_TEST_CLIENT["client_id"], "post_logout_redirect_uri": "https://attacker.example/"},
    )

    assert asked.status_code == 400
    assert "location" not in asked.headers
