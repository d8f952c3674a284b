"""The callers of the authorization matrix and the fresh resources each of its calls acts on."""

import re
import uuid
from datetime import date, timedelta
from typing import Any

import httpx

from devstack.mail_recorder import MailRecorder, ReceivedMail
from devstack.pytest_plugin import AGENT_EMAIL, AGENT_PASSWORD, CAPTCHA_TEST_ANSWER, SERVICE_API_KEY, RunningSystem
from efp_runtime.polling import eventually_sync
from tests.e2e.access import Person, agent, new_manager
from tests.e2e.journeys import PASSWORD, code_in, create_account, log_in, new_captcha, start_registration

ANONYMOUS, USER, OTHER_USER, OTHER_MANAGER = "anonymous", "user", "other_org_user", "other_org_manager"
MANAGER, AGENT, SERVICE = "manager", "agent", "service"
ACTORS = (ANONYMOUS, USER, OTHER_USER, OTHER_MANAGER, MANAGER, AGENT, SERVICE)
PEOPLE = (USER, OTHER_USER, OTHER_MANAGER, MANAGER)

# Organisations of the SIRENE sample no other test uses: (SIREN, open SIRET).
ORG = ("000015289", "00001528900010")  # Boulangerie Pâtisserie Lemaître: "the right organisation"
OTHER_ORG = ("000017632", "00001763200019")  # Hélène Garnier, sole trader
SPARE_SIREN = OTHER_ORG[0]  # of the accounts made along the way: sign-ups, password resets, the delegate
SIGN_UP_STEPS = ("verify", "password", "identity", "organisation")
RESET_SUBJECT = "Réinitialisation du mot de passe de votre compte EFP Connect"
RESETS_PER_ACCOUNT = 4  # one address gets at most 5 codes per 15 minutes


def spare_email() -> str:
    return f"matrix.{uuid.uuid4().hex[:10]}@{SPARE_SIREN}.centre-formation.fr"


def invitation_token(body: str) -> str:
    match = re.search(r"token=([A-Za-z0-9._~-]+)", body)
    assert match, body
    return match.group(1)


class World:
    """Two organisations with a manager and a plain user each, the agent, a service key, and factories.

    A call that changes something acts on a resource made for it alone, right before it; a call
    that may end a session runs on a session opened for it (`session`)."""

    def __init__(self, system: RunningSystem, mail_server: MailRecorder) -> None:
        self.system, self.mail = system, mail_server
        self.siren, self.siret = ORG
        self.manager = new_manager(system, mail_server, self.siren, self.siret)
        self.user = Person(system, mail_server, self.siren)
        self.member = Person(system, mail_server, self.siren)  # the one managers act on
        self.requester = Person(system, mail_server, self.siren)  # whose requests managers decide
        self.other_manager = new_manager(system, mail_server, OTHER_ORG[0], OTHER_ORG[1])
        self.other_user = Person(system, mail_server, OTHER_ORG[0])
        self.delegate_email = spare_email()
        with system.client() as http:
            create_account(http, mail_server, self.delegate_email, siren=SPARE_SIREN)
        self._opened: list[httpx.Client] = []
        self.clients = {
            ANONYMOUS: self._track(system.client()),
            USER: self.user.http,
            OTHER_USER: self.other_user.http,
            OTHER_MANAGER: self.other_manager.http,
            MANAGER: self.manager.http,
            AGENT: self._track(agent(system)),
            SERVICE: self._track(self._keyed()),
        }
        self._reset_account: tuple[str, int] = ("", RESETS_PER_ACCOUNT)

    def close(self) -> None:
        for client in self._opened:
            client.close()

    def _track(self, client: httpx.Client) -> httpx.Client:
        self._opened.append(client)
        return client

    def _keyed(self) -> httpx.Client:
        client = self.system.client()
        client.headers["Authorization"] = f"Bearer {SERVICE_API_KEY}"
        return client

    def credentials(self, actor: str) -> tuple[str, str]:
        if actor == AGENT:
            return AGENT_EMAIL, AGENT_PASSWORD
        person = {USER: self.user, OTHER_USER: self.other_user, OTHER_MANAGER: self.other_manager}.get(actor)
        return ((person or self.manager).email, PASSWORD)

    def session(self, actor: str) -> httpx.Client:
        """A browser of its own for `actor`: logged in anew for people and the agent, so that ending
        it leaves the actor's usual session alone."""
        if actor == ANONYMOUS:
            return self._track(self.system.client())
        if actor == SERVICE:
            return self._track(self._keyed())
        client = self._track(self.system.client())
        email, password = self.credentials(actor)
        opened = log_in(client, email, password)
        assert opened.status_code == 200, opened.text
        client.headers["X-CSRF-Token"] = opened.json()["csrf_token"]
        return client

    def person(self, siren: str | None = None) -> Person:
        """A new account of the right organisation (or of `siren`), logged in."""
        return Person(self.system, self.mail, siren or self.siren)

    # Sign-up and password reset, taken by an anonymous browser to the step before the one called.

    def registration(self, step: str) -> tuple[str, str]:
        """A sign-up whose next step is `step`; returns its id and the code e-mailed."""
        email = spare_email()
        with self.system.client() as http:
            registration_id = start_registration(http, email)
            code = code_in(self.mail.wait_for_mail(email)[0].body())
            bodies: dict[str, dict[str, Any]] = {
                "verify": {"code": code},
                "password": {"password": PASSWORD, "password_confirmation": PASSWORD},
                "identity": {"civility": "monsieur", "last_name": "Martin", "first_name": "Paul"},
            }
            for done in SIGN_UP_STEPS[: SIGN_UP_STEPS.index(step)]:
                answer = http.post(f"/api/v1/registrations/{registration_id}/{done}", json=bodies[done])
                assert answer.status_code == 200, answer.text
        return registration_id, code

    def reset(self, verified: bool) -> tuple[str, str]:
        """A password reset of a spare account; returns its id and the code e-mailed."""
        email, used = self._reset_account
        if used >= RESETS_PER_ACCOUNT:
            email, used = spare_email(), 0
            with self.system.client() as http:
                create_account(http, self.mail, email, siren=SPARE_SIREN)
        self._reset_account = (email, used + 1)
        sent = len(self._reset_codes(email))
        with self.system.client() as http:
            started = http.post(
                "/api/v1/password-resets",
                json={"email": email, "captcha_id": new_captcha(http), "captcha_answer": CAPTCHA_TEST_ANSWER},
            )
            assert started.status_code == 202, started.text
            reset_id = started.json()["reset_id"]
            codes = eventually_sync(lambda: self._reset_codes(email), lambda codes: len(codes) > sent, within=20)
            code = code_in(codes[sent].body())
            if verified:
                answer = http.post(f"/api/v1/password-resets/{reset_id}/verify", json={"code": code})
                assert answer.status_code == 200, answer.text
        return reset_id, code

    def _reset_codes(self, email: str) -> list[ReceivedMail]:
        # Other e-mails (« mot de passe modifié ») may arrive in between.
        return [m for m in self.mail.mails_to(email) if m.subject == RESET_SUBJECT]

    def login_body(self, actor: str) -> dict[str, str]:
        email, password = self.credentials(actor) if actor not in (ANONYMOUS, SERVICE) else self.credentials(USER)
        with self.system.client() as http:
            captcha_id = new_captcha(http)
        return {"email": email, "password": password, "captcha_id": captcha_id, "captcha_answer": CAPTCHA_TEST_ANSWER}

    def captcha(self) -> str:
        with self.system.client() as http:
            return new_captcha(http)

    # Access management, made by the right people of the right organisation.

    def pending_request(self, person: Person) -> str:
        """A pending access request of `person` to the right organisation: the one a refused call
        left, or a new one (habilitations an acceptance gave are revoked first, so that it may be asked)."""
        for mine in self.own_requests(person.http):
            return mine
        for held in person.http.get("/api/v1/me/habilitations").json()["items"]:
            if held["state"] == "active" and held["siren"] == self.siren:
                assert self.manager.http.delete(f"/api/v1/habilitations/{held['id']}").status_code == 200
        asked = person.http.post("/api/v1/access-requests", json={"service": "ceres", "siret": self.siret})
        assert asked.status_code == 201, asked.text
        return str(asked.json()["id"])

    def own_requests(self, client: httpx.Client) -> list[str]:
        """The ids of the caller's pending requests to the right organisation (one at most)."""
        found = client.get("/api/v1/me/access-requests")
        if found.status_code != 200:
            return []
        requests = found.json()["items"]
        return [r["id"] for r in requests if r["status"] == "pending" and r["siren"] == self.siren]

    def no_pending_request(self, actor: str) -> None:
        """The actor's pending request to the right organisation cancelled, so that it may ask again."""
        for request_id in self.own_requests(self.clients[actor]):
            assert self.clients[actor].post(f"/api/v1/access-requests/{request_id}/cancel").status_code == 200

    def invitation(self, email: str | None = None) -> tuple[str, str]:
        """A new invitation from the manager (to a new address unless `email`); returns its id and token."""
        address = email or spare_email()
        identity = {} if email else {"civility": "madame", "last_name": "Roux", "first_name": "Inès"}
        sent = len(self.mail.mails_to(address))
        invited = self.manager.http.post(
            f"/api/v1/organisations/{self.siren}/invitations",
            json={"email": address, **identity, "habilitations": [{"role": "centre_agree", "siret": self.siret}]},
        )
        assert invited.status_code == 201, invited.text
        mails = self.mail.wait_for_mail(address, count=sent + 1)
        token = invitation_token(next(m.body() for m in reversed(mails) if "token=" in m.body()))
        return str(invited.json()["id"]), token

    def activation_code(self) -> tuple[str, str]:
        """A new activation code for the right SIRET (the previous one is revoked); its id and code."""
        issued = self.clients[AGENT].post("/api/v1/agent/activation-codes", json={"siret": self.siret})
        assert issued.status_code == 201, issued.text
        return str(issued.json()["id"]), str(issued.json()["code"])

    def activation(self, person: Person) -> str:
        """An activation `person` started with a new code, waiting for the charter."""
        _, code = self.activation_code()
        started = person.http.post("/api/v1/activations", json={"siret": self.siret, "activation_code": code})
        assert started.status_code == 200, started.text
        return str(started.json()["activation_id"])

    def member_habilitation(self) -> str:
        """An active habilitation of the member: the one left by a refused revocation, or a new one."""
        found = self.manager.http.get(f"/api/v1/organisations/{self.siren}/users/{self.member.account_id}")
        assert found.status_code == 200, found.text
        for held in found.json()["habilitations"]:
            if held["state"] == "active" and held["role"] == "centre_agree":
                return str(held["id"])
        added = self.manager.http.post(
            f"/api/v1/organisations/{self.siren}/users/{self.member.account_id}/habilitations",
            json={"role": "centre_agree", "siret": self.siret},
        )
        assert added.status_code == 201, added.text
        return str(added.json()["id"])

    def member_is_manager(self, manager: bool) -> str:
        """The member made (or no longer) a manager of the right organisation; returns their id."""
        path = f"/api/v1/organisations/{self.siren}/managers/{self.member.account_id}"
        answer = self.manager.http.put(path) if manager else self.manager.http.delete(path)
        assert answer.status_code in ((200,) if manager else (204, 404)), answer.text
        return self.member.account_id

    @staticmethod
    def in_a_year() -> str:
        return (date.today() + timedelta(days=365)).isoformat()
