"""Issue 14: an application asks for a second factor (`acr_values=efp:mfa`) and learns which factors were
used (`amr`, `acr` in the ID token). A person logged in with a password alone is asked for the second
factor on the way (then comes back to the application), one without any is sent to enrol it."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.access import Person
from tests.oidc.people import collaborator, logged_in
from tests.oidc.relying_party import CALLBACK, RelyingParty, verified_claims
from tests.pages.browsing import form_token
from tests.security.second_factor_steps import enrol_totp

pytestmark = [pytest.mark.e2e, pytest.mark.security]
PROVE = "/connexion/double-authentification"


def follow(browser: httpx.Client, url: str, until: str) -> str:
    """Follows the provider's and the pages' redirects from `url` to the first one starting with `until`."""
    if url.startswith(until):
        return url
    answer = browser.get(url)
    while answer.status_code in (302, 303) and not answer.headers["location"].startswith(until):
        answer = browser.get(answer.headers["location"])
    assert answer.status_code in (302, 303), answer.text[:500]
    return str(answer.headers["location"])


def test_a_client_asking_for_a_second_factor_gets_one_and_the_token_says_so(
    system: RunningSystem, discovery: dict, manager: Person, mail_server: MailRecorder, browser: httpx.Client
) -> None:
    person = collaborator(system, mail_server, manager)
    logged_in(browser, person.email)  # a password alone: the factor comes after
    _, codes = enrol_totp(person.http)
    rp = RelyingParty(discovery)

    asked = follow(browser, rp.authorization_url(acr_values="efp:mfa"), PROVE)

    page = browser.get(asked)
    assert page.status_code == 200
    suite = parse_qs(urlsplit(asked).query)["suite"][0]
    data = {"csrf_token": form_token(page.text), "suite": suite, "method": "recovery_code", "recovery_code": codes[0]}
    proved = browser.post(PROVE, data=data)
    assert proved.status_code == 303, proved.text[:500]
    callback = follow(browser, proved.headers["location"], CALLBACK)
    claims = verified_claims(discovery, rp.tokens(callback)["id_token"], nonce=rp.nonce)
    assert {"pwd", "otp", "mfa"} <= set(claims["amr"])
    assert claims["acr"] == "efp:mfa"
    # The next application needs no second proof: the session has it.
    again = RelyingParty(discovery)
    claims = verified_claims(discovery, again.sign_in(browser)["id_token"], nonce=again.nonce)
    assert claims["acr"] == "efp:mfa"


def test_a_person_without_a_second_factor_is_sent_to_enrol_one(
    system: RunningSystem, discovery: dict, manager: Person, mail_server: MailRecorder, browser: httpx.Client
) -> None:
    person = collaborator(system, mail_server, manager)
    logged_in(browser, person.email)
    rp = RelyingParty(discovery)

    sent = follow(browser, rp.authorization_url(acr_values="efp:mfa"), "/mon-compte/double-authentification")

    assert "suite=" in sent  # back to the application once enrolled
    page = browser.get(sent)
    assert page.status_code == 200
    assert "Configurer une application d" in page.text
