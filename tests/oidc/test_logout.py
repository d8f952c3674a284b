"""Logout: RP-initiated (the application sends the person to EFP Connect's end_session_endpoint), and
back-channel (EFP Connect tells each application a person signed in to, with a signed logout token,
whenever the session ends: logout on either side, password reset; a relying party down is retried)."""

import httpx
import pytest

from devstack.mail_recorder import MailRecorder, ReceivedMail
from devstack.pytest_plugin import OIDC_TEST_CLIENT, RunningSystem
from efp_runtime.polling import eventually_sync
from tests.e2e.access import Person
from tests.e2e.journeys import PASSWORD, code_in
from tests.oidc.people import collaborator, logged_in
from tests.oidc.relying_party import LogoutReceiver, RelyingParty, query_of, verified_claims
from tests.pages.browsing import form_token

pytestmark = pytest.mark.e2e
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LOGGED_OUT = OIDC_TEST_CLIENT["post_logout_redirect_uris"][0]
RESET_SUBJECT = "Réinitialisation du mot de passe de votre compte EFP Connect"


def logout_tokens_for(receiver: LogoutReceiver, discovery: dict, sid: str, within: float = 20) -> list[dict]:
    """The verified logout tokens received for one session (waits for the first)."""

    def mine() -> list[dict]:
        return [claims for token in receiver.tokens if (claims := verified_claims(discovery, token)).get("sid") == sid]

    return eventually_sync(mine, within=within, every=0.2, what=f"a logout token for session {sid}")


def check_logout_token(system: RunningSystem, claims: dict, subject: str) -> None:
    """OpenID Back-Channel Logout 1.0 §2.4: the claims a relying party must find."""
    assert claims["_header"]["typ"] == "logout+jwt"
    assert (claims["iss"], claims["aud"], claims["sub"]) == (system.web_url, OIDC_TEST_CLIENT["client_id"], subject)
    assert claims["events"] == {BACKCHANNEL_EVENT: {}}
    assert claims["jti"]
    assert "nonce" not in claims


def reset_mail(mail_server: MailRecorder, email: str) -> ReceivedMail:
    # Found by its subject: the access-acceptance e-mail may arrive before or after it.
    def resets() -> list[ReceivedMail]:
        return [mail for mail in mail_server.mails_to(email) if mail.subject == RESET_SUBJECT]

    return eventually_sync(resets, within=20, every=0.2, what=f"a reset e-mail for {email}")[0]


def signed_in(discovery: dict, browser: httpx.Client) -> dict:
    rp = RelyingParty(discovery)
    tokens = rp.sign_in(browser)
    return {"id_token": tokens["id_token"], **verified_claims(discovery, tokens["id_token"], nonce=rp.nonce)}


@pytest.fixture
def signed_in_person(
    system: RunningSystem, discovery: dict, mail_server: MailRecorder, manager: Person, browser: httpx.Client
) -> tuple[Person, dict]:
    """A person with access, logged in on EFP Connect in `browser` and signed in to the test client."""
    person = collaborator(system, mail_server, manager)
    return person, signed_in(discovery, logged_in(browser, person.email))


def test_the_application_logs_the_person_out_and_is_told_by_the_back_channel(
    system: RunningSystem,
    discovery: dict,
    browser: httpx.Client,
    logout_receiver: LogoutReceiver,
    signed_in_person: tuple[Person, dict],
) -> None:
    person, session = signed_in_person

    ended = browser.get(
        discovery["end_session_endpoint"],
        params={"id_token_hint": session["id_token"], "post_logout_redirect_uri": LOGGED_OUT, "state": "bye"},
    )

    assert ended.headers["location"] == f"{LOGGED_OUT}?state=bye"
    assert browser.get("/accueil").headers["location"].startswith("/connexion")
    # The single sign-on session is over: the next sign-in asks for the password again.
    again = browser.get(RelyingParty(discovery).authorization_url())
    assert again.headers["location"] == "/connexion?suite=/oidc/authorize/suite"
    [token] = logout_tokens_for(logout_receiver, discovery, session["sid"])
    check_logout_token(system, token, person.account_id)


def test_logging_out_on_efp_connect_tells_the_application(
    system: RunningSystem,
    discovery: dict,
    browser: httpx.Client,
    logout_receiver: LogoutReceiver,
    signed_in_person: tuple[Person, dict],
) -> None:
    person, session = signed_in_person
    logout_receiver.failures = 1  # the application is briefly down: told again a little later

    home = browser.get("/accueil")
    assert browser.post("/deconnexion", data={"csrf_token": form_token(home.text)}).status_code == 303

    [token] = logout_tokens_for(logout_receiver, discovery, session["sid"], within=30)
    check_logout_token(system, token, person.account_id)
    assert logout_receiver.refused >= 1


def test_a_password_reset_ends_the_sessions_and_tells_the_application(
    system: RunningSystem,
    discovery: dict,
    browser: httpx.Client,
    logout_receiver: LogoutReceiver,
    signed_in_person: tuple[Person, dict],
    mail_server: MailRecorder,
) -> None:
    person, session = signed_in_person
    api = system.client()
    captcha = api.post("/api/v1/captchas").json()["captcha_id"]
    reset = api.post(
        "/api/v1/password-resets", json={"email": person.email, "captcha_id": captcha, "captcha_answer": "TEST-ANSWER"}
    ).json()["reset_id"]
    code = code_in(reset_mail(mail_server, person.email).body())
    assert api.post(f"/api/v1/password-resets/{reset}/verify", json={"code": code}).status_code == 200
    new = f"{PASSWORD}-2"

    done = api.post(f"/api/v1/password-resets/{reset}/password", json={"password": new, "password_confirmation": new})

    assert done.status_code == 200, done.text
    [token] = logout_tokens_for(logout_receiver, discovery, session["sid"])
    check_logout_token(system, token, person.account_id)
    assert browser.get("/accueil").headers["location"].startswith("/connexion")


def test_deleting_the_account_tells_the_application(
    system: RunningSystem,
    discovery: dict,
    browser: httpx.Client,
    logout_receiver: LogoutReceiver,
    signed_in_person: tuple[Person, dict],
) -> None:
    person, session = signed_in_person

    deleted = person.http.request("DELETE", "/api/v1/me", json={"password": PASSWORD})

    assert deleted.status_code == 204, deleted.text
    [token] = logout_tokens_for(logout_receiver, discovery, session["sid"])
    check_logout_token(system, token, person.account_id)
    assert browser.get("/accueil").headers["location"].startswith("/connexion")


def test_a_logout_hint_of_another_client_or_person_changes_nothing(
    system: RunningSystem, discovery: dict, manager_browser: httpx.Client
) -> None:
    session = signed_in(discovery, manager_browser)

    refused = httpx.get(
        discovery["end_session_endpoint"],
        params={"id_token_hint": session["id_token"], "post_logout_redirect_uri": "https://attacker.example/"},
    )

    assert refused.status_code == 400
    assert "location" not in refused.headers
    assert manager_browser.get("/accueil").status_code == 200  # still logged in
    assert query_of(RelyingParty(discovery).callback(manager_browser))["code"]
