"""Steps of the access-management journeys (guides 000 §3.2–6 and 001), shared by the e2e tests."""

import uuid
from typing import Any

import httpx

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import AGENT_EMAIL, AGENT_PASSWORD, RunningSystem
from tests.e2e.journeys import create_account, log_in

# Made-up organisations of the SIRENE sample: (SIREN, two open SIRETs). The session shares one
# database, so each test that needs managers takes an organisation of its own.
EMERAUDE = ("000010116", "00001011600010", "00001011600028")
HOTELLERIE = ("000011056", "00001105600017", "00001105600025")
COTE_OPALE = ("000011528", "00001152800015", "00001152800023")
BATISSEURS = ("000011999", "00001199900018", "00001199900026")
LORRAIN = ("000012468", "00001246800013", "00001246800021")
SANTE_AQUITAINE = ("000012930", "00001293000012", "00001293000020")
BEARN = ("000013409", "00001340900016", "00001340900024")
LEMAN = ("000010587", "00001058700012", "00001058700020")  # never gets a manager


class Person:
    """A browser with its own cookies, logged in as one account."""

    def __init__(self, system: RunningSystem, mail_server: MailRecorder, siren: str, email: str | None = None) -> None:
        self.email = email or f"{uuid.uuid4().hex[:10]}@{siren}.centre-formation.fr"
        self.http = system.client()
        self.account_id = create_account(self.http, mail_server, self.email, siren=siren)
        response = log_in(self.http, self.email)
        assert response.status_code == 200, response.text
        self.http.headers["X-CSRF-Token"] = response.json()["csrf_token"]

    def me(self) -> dict:  # type: ignore[type-arg]
        return self.http.get("/api/v1/me").json()  # type: ignore[no-any-return]


_AGENT_SESSIONS: dict[int, tuple[str, str]] = {}


def agent(system: RunningSystem) -> httpx.Client:
    """A browser logged in as the bootstrap agent. One login per test session: logging in for every
    code would trip the per-address login limit (10 per 5 minutes)."""
    http = system.client()
    if id(system) not in _AGENT_SESSIONS:
        response = log_in(http, AGENT_EMAIL, AGENT_PASSWORD)
        assert response.status_code == 200, response.text
        _AGENT_SESSIONS[id(system)] = (http.cookies["efp_session"], response.json()["csrf_token"])
    cookie, csrf = _AGENT_SESSIONS[id(system)]
    http.cookies.set("efp_session", cookie)
    http.headers["X-CSRF-Token"] = csrf
    return http


def issue_code(system: RunningSystem, siret: str) -> str:
    http = agent(system)
    try:
        response = http.post("/api/v1/agent/activation-codes", json={"siret": siret, "service": "ceres"})
    finally:
        http.close()
    assert response.status_code == 201, response.text
    return str(response.json()["code"])


def become_manager(system: RunningSystem, person: Person, siret: str) -> None:
    """Guide §3.2: the posted code, the charter, then the manager's own habilitation and the CGU."""
    code = issue_code(system, siret)
    started = person.http.post("/api/v1/activations", json={"siret": siret, "activation_code": code})
    assert started.status_code == 200, started.text
    assert "Charte du responsable des accès" in started.json()["charter"]["text"]
    accepted = person.http.post(
        f"/api/v1/activations/{started.json()['activation_id']}/accept-charter", json={"accept": True}
    )
    assert accepted.status_code == 200, accepted.text
    own = person.http.post("/api/v1/me/habilitations", json={"role": "gestionnaire_centres", "siret": siret})
    assert own.status_code == 201, own.text
    assert person.http.post("/api/v1/services/ceres/terms", json={"accept": True}).status_code == 200


def new_manager(system: RunningSystem, mail_server: MailRecorder, siren: str, siret: str) -> Person:
    """A new person of the organisation `siren`, made its access manager through the establishment `siret`."""
    person = Person(system, mail_server, siren)
    become_manager(system, person, siret)
    return person


def invite(manager: Person, siren: str, email: str, siret: str, **identity: str) -> dict[str, Any]:
    """The manager invites `email` (with `identity`, the civility and names, when it has no account yet)
    to the CERES habilitation `centre_agree` at `siret`; returns the invitation."""
    habilitation = {"service": "ceres", "role": "centre_agree", "siret": siret}
    invited = manager.http.post(
        f"/api/v1/organisations/{siren}/invitations", json={"email": email, **identity, "habilitations": [habilitation]}
    )
    assert invited.status_code == 201, invited.text
    return invited.json()  # type: ignore[no-any-return]
