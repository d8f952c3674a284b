"""The fault suite's load: browsers that sign up, ask for access, get accepted, and managers who invite.

Each browser retries like a person would when the platform does not answer (a 502/503/504, a
connection refused or cut): the guarantee under test is about work the system acknowledged. A
request that got no definite answer has an unknown outcome; the flows are written so that a
retry either finds the work done (409 for a step already taken, a pending request or invitation
already there) or, for the one step that has no such key (starting a registration), starts over
with a fresh address and records the abandoned one's code e-mail as "may arrive".
"""

import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

import httpx

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER

PASSWORD = "Formation-Pannes-2026!"
RETRYABLE = {502, 503, 504}
# How long a browser keeps retrying one step, and waits for an e-mail it needs to go on.
PATIENCE_SECONDS = 180.0

# The subjects of the e-mails the load causes (the catalogue's wording, service label left out).
CODE = "Validation de votre compte EFP CONNECT"
ACCOUNT_CREATED = "Votre compte EFP Connect est créé"
REQUEST_RECEIVED = "Nouvelle demande d'accès au service numérique"
ACCESS_GRANTED = "Vous avez obtenu une nouvelle habilitation d'accès au service numérique"
INVITATION = "Invitation à rejoindre le service numérique"
KINDS = (CODE, ACCOUNT_CREATED, REQUEST_RECEIVED, ACCESS_GRANTED, INVITATION)


def kind_of(subject: str) -> str:
    """The ledger's name for an e-mail: its subject up to the service label."""
    return next((kind for kind in KINDS if subject.startswith(kind)), subject)


class FlowFailed(Exception):
    """The platform gave a definite answer the journey did not expect."""


@dataclass
class Tally:
    """What the browsers sent and what they were told, and the e-mails they are owed."""

    sent: int = 0
    accepted: int = 0
    retried: int = 0
    # Answers 500 or any 5xx but 502/503/504: the platform broke instead of saying "try again".
    server_errors: int = 0
    unknown_outcomes: int = 0
    # (recipient, kind) → e-mails owed for acknowledged work / that may come from unknown outcomes.
    expected: Counter[tuple[str, str]] = field(default_factory=Counter)
    maybe: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    # Facts the aggregate checks verify: accepted requests (id, account, siret), invitations (siren, e-mail).
    accepted_requests: list[tuple[str, str, str]] = field(default_factory=list)
    invitations: list[tuple[str, str]] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, attempt: str) -> None:
        with self.lock:
            self.sent += 1
            if attempt == "accepted":
                self.accepted += 1
            elif attempt == "retried":
                self.retried += 1
            elif attempt == "server error":
                self.server_errors += 1

    def owe(self, to: str, kind: str, n: int = 1) -> None:
        with self.lock:
            self.expected[(to, kind)] += n

    def may_owe(self, to: str, kind: str) -> None:
        with self.lock:
            self.maybe[(to, kind)] += 1
            self.unknown_outcomes += 1

    def note(self, facts: list[Any], fact: Any) -> None:
        with self.lock:
            facts.append(fact)


class Browser:
    """One person's browser: its cookies, and the retry-until-answered habit."""

    def __init__(self, gateway_url: str, tally: Tally, http: httpx.Client | None = None) -> None:
        self.http = http or httpx.Client(base_url=gateway_url, timeout=30)
        self.tally = tally

    def close(self) -> None:
        self.http.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        ok: set[int],
        done: frozenset[int] = frozenset(),
        not_yet: Callable[[httpx.Response], bool] = lambda response: False,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send until a definite answer. `done` are the answers meaning "already done by an earlier
        attempt" (a 409), taken as such only after an attempt whose outcome is unknown; `not_yet`
        says an answer means "not possible yet, try again in a moment" (another service catching up)."""
        unknown = False
        deadline = time.monotonic() + PATIENCE_SECONDS
        while True:
            response = self._attempt(method, url, **kwargs)
            if response is not None and response.status_code in ok:
                return response
            if response is not None and unknown and response.status_code in done:
                return response
            waiting = response is not None and not_yet(response)
            if response is not None and response.status_code not in RETRYABLE and not waiting:
                raise FlowFailed(f"{method} {url}: {response.status_code} {response.text[:300]}")
            unknown = unknown or response is None or response.status_code in RETRYABLE
            if time.monotonic() > deadline:
                raise FlowFailed(f"{method} {url}: no definite answer for {PATIENCE_SECONDS:.0f}s")
            time.sleep(0.3)

    def send_with_captcha(self, url: str, body: dict[str, Any], ok: int) -> tuple[httpx.Response, int]:
        """A form with a captcha: each attempt solves a new one (an attempt that got no answer may
        have spent it). Returns the answer and how many attempts had an unknown outcome."""
        unknown = 0
        deadline = time.monotonic() + PATIENCE_SECONDS
        while True:
            captcha = self.send("POST", "/api/v1/captchas", ok={201}).json()["captcha_id"]
            response = self._attempt(
                "POST", url, json={**body, "captcha_id": captcha, "captcha_answer": CAPTCHA_TEST_ANSWER}
            )
            if response is not None and response.status_code == ok:
                return response, unknown
            if response is not None and response.status_code not in RETRYABLE:
                raise FlowFailed(f"POST {url}: {response.status_code} {response.text[:300]}")
            unknown += 1
            if time.monotonic() > deadline:
                raise FlowFailed(f"POST {url}: no definite answer for {PATIENCE_SECONDS:.0f}s")
            time.sleep(0.3)

    def _attempt(self, method: str, url: str, **kwargs: Any) -> httpx.Response | None:
        try:
            response = self.http.request(method, url, **kwargs)
        except httpx.TransportError:
            self.tally.count("retried")
            return None
        self.tally.count(_attempt_kind(response.status_code))
        return response


def _attempt_kind(status: int) -> str:
    if 200 <= status < 300:
        return "accepted"
    if status in RETRYABLE:
        return "retried"
    return "server error" if status >= 500 else ""


def _code_in(text: str) -> str | None:
    match = re.search(r"^\s*(\d{6})\s*$", text, re.MULTILINE)
    return match.group(1) if match else None


def wait_for_code(mail_server: MailRecorder, email: str) -> str:
    deadline = time.monotonic() + PATIENCE_SECONDS
    while time.monotonic() < deadline:
        for mail in mail_server.mails_to(email):
            if kind_of(mail.subject) == CODE and (code := _code_in(mail.body())):
                return code
        time.sleep(0.1)
    raise FlowFailed(f"no code e-mail to {email} within {PATIENCE_SECONDS:.0f}s")


def sign_up(browser: Browser, mail_server: MailRecorder, domain: str, siren: str) -> str:
    """The five steps of the sign-up guide; returns the address of the account created."""
    tally = browser.tally
    while True:
        email = f"{uuid.uuid4().hex[:12]}@{domain}"
        response, unknown = browser.send_with_captcha("/api/v1/registrations", {"email": email}, ok=201)
        if not unknown:
            break
        # An attempt got no answer before this one was acknowledged: it may have started a
        # registration too, and which code belongs to which cannot be told apart. The person starts
        # over with another address; this one is owed the acknowledged code, and may get more.
        tally.owe(email, CODE)
        for _ in range(unknown):
            tally.may_owe(email, CODE)
    tally.owe(email, CODE)
    registration = response.json()["registration_id"]
    code = wait_for_code(mail_server, email)
    steps: list[tuple[str, dict[str, Any], int]] = [
        ("verify", {"code": code}, 200),
        ("password", {"password": PASSWORD, "password_confirmation": PASSWORD}, 200),
        ("identity", {"civility": "madame", "last_name": "Pannes", "first_name": "Iris"}, 200),
        ("organisation", {"siren": siren, "job_title": "Formatrice", "accept_terms": True}, 201),
    ]
    for step, body, status in steps:
        browser.send(
            "POST", f"/api/v1/registrations/{registration}/{step}", ok={status}, done=frozenset({409}), json=body
        )
    tally.owe(email, ACCOUNT_CREATED)
    return email


def log_in(browser: Browser, email: str) -> str:
    """Logs the browser in (safe to repeat: a login sends no e-mail); returns the account id."""
    response, _ = browser.send_with_captcha("/api/v1/session", {"email": email, "password": PASSWORD}, ok=200)
    browser.http.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return str(browser.send("GET", "/api/v1/me", ok={200}).json()["account_id"])


@dataclass
class Organisation:
    siren: str
    sirets: tuple[str, ...]
    manager: Browser
    manager_emails: list[str]


def collaborator_journey(org: Organisation, gateway_url: str, mail_server: MailRecorder, tally: Tally) -> None:
    """Sign up, log in, ask for access to CERES; a manager accepts; every e-mail of it owed once."""
    browser = Browser(gateway_url, tally)
    try:
        email = sign_up(browser, mail_server, f"{org.siren}.pannes.fr", org.siren)
        account_id = log_in(browser, email)
        tally.note(tally.accounts, email)
        siret = org.sirets[-1]
        request_id = _submit(browser, siret)
        for manager in org.manager_emails:
            tally.owe(manager, REQUEST_RECEIVED)
        org.manager.send(
            "POST",
            f"/api/v1/access-requests/{request_id}/accept",
            ok={200},
            done=frozenset({409}),
            json={"habilitations": [{"role": "centre_agree", "siret": siret}]},
        )
        tally.owe(email, ACCESS_GRANTED)
        tally.note(tally.accepted_requests, (request_id, account_id, siret))
    finally:
        browser.close()


def _not_known_yet(response: httpx.Response) -> bool:
    # Habilitation learns of a new account from identity's event: a moment after the sign-up.
    return response.status_code == 422 and "pas encore connu" in response.text


def _submit(browser: Browser, siret: str) -> str:
    body = {"service": "ceres", "siret": siret, "message": "Bonjour, je suis formatrice."}
    response = browser.send(
        "POST", "/api/v1/access-requests", ok={201}, done=frozenset({409}), not_yet=_not_known_yet, json=body
    )
    if response.status_code == 201:
        return str(response.json()["id"])
    # 409 after an attempt that got no answer: that attempt made the request.
    mine = browser.send("GET", "/api/v1/me/access-requests", ok={200}).json()["items"]
    return str(next(r["id"] for r in mine if r["status"] == "pending"))


def invite(org: Organisation, tally: Tally) -> None:
    """A manager invites a newcomer to their second establishment: one invitation e-mail owed."""
    email = f"{uuid.uuid4().hex[:12]}@invites.pannes.fr"
    org.manager.send(
        "POST",
        f"/api/v1/organisations/{org.siren}/invitations",
        ok={201},
        done=frozenset({409}),
        json={
            "email": email,
            # A newcomer without an account: the invitation makes one, so it needs a name.
            "civility": "monsieur",
            "last_name": "Invité",
            "first_name": "Hugo",
            "habilitations": [{"service": "ceres", "role": "centre_agree", "siret": org.sirets[-1]}],
        },
    )
    tally.owe(email, INVITATION)
    tally.note(tally.invitations, (org.siren, email))


def run_load(
    jobs: list[Callable[[], None]], tally: Tally, workers: int, on_progress: Callable[[int], None] | None = None
) -> None:
    """Run every job on `workers` threads; a job that fails is recorded, not raised."""

    def run(job: Callable[[], None]) -> None:
        try:
            job()
        except Exception as exc:
            with tally.lock:
                tally.errors.append(f"{type(exc).__name__}: {exc}")

    with ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(run, job) for job in jobs]
        for done, future in enumerate(as_completed(futures), 1):
            future.result()
            if on_progress:
                on_progress(done)
