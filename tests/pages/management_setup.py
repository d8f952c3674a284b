"""State for the « Gestion des accès » page tests, set up through the gateway on the organisation
reserved for them in the SIRENE sample (« Organisme de Formation Hirondelle »)."""

import random
import string

import httpx

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.access import Person, new_manager
from tests.e2e.journeys import PASSWORD
from tests.pages.browsing import form_token, log_in

HIRONDELLE = ("000030023", "00003002300014", "00003002300022")
SIREN, FIRST, SECOND = HIRONDELLE


def unique_word() -> str:
    """Letters only: names refuse digits."""
    return "".join(random.choices(string.ascii_lowercase, k=10)).capitalize()


def manager_in_web(system: RunningSystem, mail_server: MailRecorder, client: httpx.Client) -> Person:
    """A new access manager of the organisation, logged in to the web service with `client`."""
    manager = new_manager(system, mail_server, SIREN, FIRST)
    logged = log_in(client, manager.email, PASSWORD)
    assert logged.status_code == 303, logged.text
    return manager


def collaborator(
    system: RunningSystem, mail_server: MailRecorder, manager: Person, role: str | None = None, siret: str = FIRST
) -> Person:
    """A person of the organisation with a unique last name, given a habilitation if `role`."""
    person = Person(system, mail_server, SIREN)
    renamed = person.http.patch("/api/v1/me", json={"last_name": f"Martinet-{unique_word()}"})
    assert renamed.status_code == 200, renamed.text
    if role:
        added = manager.http.post(
            f"/api/v1/organisations/{SIREN}/users/{person.account_id}/habilitations",
            json={"role": role, "siret": siret},
        )
        assert added.status_code == 201, added.text
    return person


def user_of(manager: Person, account_id: str) -> dict:  # type: ignore[type-arg]
    answer = manager.http.get(f"/api/v1/organisations/{SIREN}/users/{account_id}")
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def active(user: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return sorted((h["role"], h["siret"]) for h in user["habilitations"] if h.get("state", "active") == "active")


def post(client: httpx.Client, path: str, form_page: str, **data: str) -> httpx.Response:
    """Posts the form of the page at `form_page` (its CSRF token) to `path`."""
    html = client.get(form_page).text
    return client.post(path, data={"csrf_token": form_token(html), **data})
