"""The five kinds of caller the fuzzer plays: anonymous, user, access manager, agent, other system."""

import uuid
from dataclasses import dataclass, field
from http.cookiejar import DefaultCookiePolicy

import requests

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import AGENT_EMAIL, AGENT_PASSWORD, CAPTCHA_TEST_ANSWER, SERVICE_API_KEY, RunningSystem
from tests.e2e.access import Person, agent, become_manager
from tests.e2e.journeys import PASSWORD, log_in, new_captcha, start_registration

# An organisation of the SIRENE sample no other test uses: the fuzzed manager may appoint, withdraw,
# invite and grant there without touching another test's data.
FUZZ_ORGANISATION = ("000020453", "00002045300015")  # « Ferme Pédagogique des Trois Chênes »


@dataclass(frozen=True)
class Accounts:
    """The fuzzer's own accounts in FUZZ_ORGANISATION, and ids of real things for the known-id cases."""

    user_email: str
    user_id: str
    manager_email: str
    # Path parameters anyone may be given: a live captcha, a sign-up and a password reset under way.
    public: dict[str, str]
    request_id: str  # the user's access request, pending with the manager
    invitation_id: str  # the manager's invitation
    code_id: str  # an activation code the agent issued for the organisation


@dataclass
class Caller:
    """How one kind of caller authenticates, and the ids it knows (so some cases reach past the 404s)."""

    name: str
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    # Path parameters worth trying besides generated ones, e.g. the manager's own SIREN.
    known: dict[str, str] = field(default_factory=dict)

    def session(self) -> requests.Session:
        """A connection pool that keeps no cookie: each call sends exactly this caller's credentials."""
        http = requests.Session()
        http.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        return http


def open_accounts(system: RunningSystem, mail_server: MailRecorder) -> Accounts:
    siren, siret = FUZZ_ORGANISATION
    user = Person(system, mail_server, siren, email=f"fuzz.user.{uuid.uuid4().hex[:8]}@{siren}.fr")
    manager = Person(system, mail_server, siren, email=f"fuzz.manager.{uuid.uuid4().hex[:8]}@{siren}.fr")
    become_manager(system, manager, siret)
    with system.client() as http:
        reset = http.post(
            "/api/v1/password-resets",
            json={"email": user.email, "captcha_id": new_captcha(http), "captcha_answer": CAPTCHA_TEST_ANSWER},
        )
        assert reset.status_code == 202, reset.text
        public = {
            "captcha_id": new_captcha(http),
            "registration_id": start_registration(http, f"fuzz.signup.{uuid.uuid4().hex[:8]}@{siren}.fr"),
            "reset_id": reset.json()["reset_id"],
        }
    requested = user.http.post("/api/v1/access-requests", json={"siret": siret, "message": "Accès CERES"})
    assert requested.status_code == 201, requested.text
    invited = manager.http.post(
        f"/api/v1/organisations/{siren}/invitations",
        json={
            "email": f"fuzz.invitee.{uuid.uuid4().hex[:8]}@{siren}.fr",
            "civility": "madame",
            "last_name": "Invitée",
            "first_name": "Zoé",
            "habilitations": [{"role": "centre_agree", "siret": siret}],
        },
    )
    assert invited.status_code == 201, invited.text
    with agent(system) as agent_http:
        issued = agent_http.post("/api/v1/agent/activation-codes", json={"siret": siret, "service": "ceres"})
    assert issued.status_code == 201, issued.text
    user.http.close()
    manager.http.close()
    return Accounts(
        user.email,
        user.account_id,
        manager.email,
        public,
        requested.json()["id"],
        invited.json()["id"],
        issued.json()["id"],
    )


def _logged_in(system: RunningSystem, name: str, email: str, password: str, known: dict[str, str]) -> Caller:
    """A session of its own: the fuzzer may end it (`DELETE /session`) without harming another test's."""
    with system.client() as http:
        response = log_in(http, email, password)
        assert response.status_code == 200, response.text
        cookie = http.cookies["efp_session"]
    return Caller(name, {"X-CSRF-Token": response.json()["csrf_token"]}, {"efp_session": cookie}, known)


def make_callers(system: RunningSystem, accounts: Accounts) -> list[Caller]:
    siren, _ = FUZZ_ORGANISATION
    public = accounts.public
    own = {**public, "siren": siren, "service": "ceres", "request_id": accounts.request_id}
    manager = {**own, "account_id": accounts.user_id, "invitation_id": accounts.invitation_id}
    return [
        Caller("anonymous", known=public),
        Caller("other system", headers={"Authorization": f"Bearer {SERVICE_API_KEY}"}, known=public),
        _logged_in(system, "user", accounts.user_email, PASSWORD, own),
        _logged_in(system, "manager", accounts.manager_email, PASSWORD, manager),
        _logged_in(system, "agent", AGENT_EMAIL, AGENT_PASSWORD, {**public, "code_id": accounts.code_id}),
    ]
