"""The people of the single sign-on tests: Mistral's access manager and the collaborators it lets in."""

import httpx

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.access import Person
from tests.e2e.journeys import PASSWORD
from tests.pages.browsing import log_in

# « Mistral Formation », reserved for the single sign-on tests; the openid-client journey makes a
# manager of its other establishment (00003007200011), in its own session.
MISTRAL = ("000030072", "00003007200029")


def collaborator(system: RunningSystem, mail_server: MailRecorder, manager: Person) -> Person:
    """A new person of Mistral whose access request the manager accepted: access, and a login of their own
    (one address may log in only 10 times in 5 minutes)."""
    person = Person(system, mail_server, MISTRAL[0])
    asked = person.http.post("/api/v1/access-requests", json={"service": "ceres", "siret": MISTRAL[1]})
    assert asked.status_code == 201, asked.text
    habilitation = {"role": "centre_agree", "siret": MISTRAL[1]}
    accept = f"/api/v1/access-requests/{asked.json()['id']}/accept"
    accepted = manager.http.post(accept, json={"habilitations": [habilitation]})
    assert accepted.status_code == 200, accepted.text
    return person


def logged_in(browser: httpx.Client, email: str) -> httpx.Client:
    answer = log_in(browser, email, PASSWORD)
    assert answer.status_code == 303, answer.text[:500]
    return browser
