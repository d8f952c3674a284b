"""What each call of the authorization matrix acts on: a valid resource of the right organisation, made just before."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER
from tests.e2e.authorization_world import (
    AGENT,
    ANONYMOUS,
    MANAGER,
    OTHER_MANAGER,
    OTHER_ORG,
    OTHER_USER,
    PEOPLE,
    SERVICE,
    USER,
    World,
    spare_email,
)
from tests.e2e.journeys import PASSWORD


@dataclass
class Call:
    path: str
    json: Any = None
    params: dict[str, str] | None = None
    # The browser to call with instead of the actor's usual one (a session of its own, the owner…).
    client: httpx.Client | None = None


def captcha_media(kind: str) -> Callable[[World, str], Call]:
    return lambda w, a: Call(f"/api/v1/captchas/{w.captcha()}/{kind}")


def registration(step: str, body: dict[str, Any]) -> Callable[[World, str], Call]:
    def prepare(w: World, a: str) -> Call:
        registration_id, code = w.registration(step)
        return Call(f"/api/v1/registrations/{registration_id}/{step}", body if step != "verify" else {"code": code})

    return prepare


def cancel_request(w: World, a: str) -> Call:
    """The plain user cancels a request of their own (a new person each time: after a cancel one may not
    ask again for 30 days); everybody else, the user's."""
    if a == USER:
        asker = w.person()
        return Call(f"/api/v1/access-requests/{w.pending_request(asker)}/cancel", client=asker.http)
    return Call(f"/api/v1/access-requests/{w.pending_request(w.user)}/cancel")


def close_other_sessions(w: World, a: str) -> Call:
    """« Se déconnecter de mes autres sessions », from a new person's browser for every signed-in actor:
    closing the actor's own other sessions would end the session every other row uses."""
    if a in (ANONYMOUS, SERVICE):
        return Call("/api/v1/session/others")
    return Call("/api/v1/session/others", client=w.person().http)


def new_registration(w: World, a: str) -> Call:
    return Call(
        "/api/v1/registrations",
        {"email": spare_email(), "captcha_id": w.captcha(), "captcha_answer": CAPTCHA_TEST_ANSWER},
    )


def resend_code(w: World, a: str) -> Call:
    registration_id, _ = w.registration("verify")
    time.sleep(RESEND_COOLDOWN_SECONDS)  # a resend sooner is refused (409 too_early)
    return Call(f"/api/v1/registrations/{registration_id}/resend-code")


def reset(step: str) -> Callable[[World, str], Call]:
    def prepare(w: World, a: str) -> Call:
        reset_id, code = w.reset(verified=step == "password")
        body = {"code": code} if step == "verify" else {"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD}
        return Call(f"/api/v1/password-resets/{reset_id}/{step}", body)

    return prepare


def new_reset(w: World, a: str) -> Call:
    # An address without an account: the answer is the same, and no account's e-mail cap is used up.
    return Call(
        "/api/v1/password-resets",
        {"email": spare_email(), "captcha_id": w.captcha(), "captcha_answer": CAPTCHA_TEST_ANSWER},
    )


RESEND_COOLDOWN_SECONDS = 1.1  # IDENTITY_RESEND_COOLDOWN_SECONDS is 1 in the test session
NEW_PASSWORD = "Nouveau-Mot-de-Passe-2026"
PROFILE = {"job_title": "Boulangère"}
GRANT = {"role": "centre_agree"}


def users_of(w: World, a: str) -> Call:
    return Call(f"/api/v1/organisations/{w.siren}/users/{w.user.account_id}")


def submit_request(w: World, a: str) -> Call:
    if a not in (ANONYMOUS, SERVICE):
        w.no_pending_request(a)
    return Call("/api/v1/access-requests", {"service": "ceres", "siret": w.siret})


def accept_charter(w: World, a: str) -> Call:
    """The plain user accepts the charter of the activation they started (a new plain user each
    time: it makes them a manager); everybody else tries someone else's."""
    if a == USER:
        starter = w.person()
        return Call(
            f"/api/v1/activations/{w.activation(starter)}/accept-charter", {"accept": True}, client=starter.http
        )
    return Call(f"/api/v1/activations/{w.activation(w.requester)}/accept-charter", {"accept": True})


def accept_invitation(w: World, a: str) -> Call:
    """The plain user follows the link of an invitation sent to them (a new plain user each time:
    it grants them a habilitation); everybody else, the link of an invitation sent to someone else."""
    if a == USER:
        invitee = w.person()
        return Call("/api/v1/invitations/accept", {"token": w.invitation(invitee.email)[1]}, client=invitee.http)
    return Call("/api/v1/invitations/accept", {"token": w.invitation()[1]})


def invite(w: World, a: str) -> Call:
    return Call(
        f"/api/v1/organisations/{w.siren}/invitations",
        {
            "email": spare_email(),
            "civility": "monsieur",
            "last_name": "Petit",
            "first_name": "Marc",
            "habilitations": [{**GRANT, "siret": w.siret}],
        },
    )


def check(w: World, a: str) -> Call:
    query = {"account_id": w.manager.account_id, "service": "ceres", "role": "gestionnaire_centres", "siret": w.siret}
    return Call("/api/v1/authorizations/check", params=query)


def at(template: str, **params: str) -> Callable[[World, str], Call]:
    """The path with the right organisation's SIREN and SIRET (`{siren}`, `{siret}`)."""
    return lambda w, a: Call(template.format(siren=w.siren, siret=w.siret), params=params or None)


def change_password(w: World, a: str) -> Call:
    """People change the password of a new account of their own (theirs is used by every other row);
    the agent, whose password the whole session shares, gives a wrong current one: reaching that
    refusal proves the route let an agent's session through."""
    if a in PEOPLE:
        person = w.person()
        body = {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD}
        return Call("/api/v1/me/password", body, client=person.http)
    wrong = "Pas-le-bon-Mot-de-passe-1" if a == AGENT else PASSWORD
    return Call(
        "/api/v1/me/password",
        {"current_password": wrong, "password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD},
    )


def confirm_totp(w: World, a: str) -> Call:
    """A wrong code for an enrolment just started, in a session of the actor's own (nobody gets enrolled:
    an enrolled actor would be asked for step-up by every other row)."""
    body = {"code": "000000"}
    if a in (ANONYMOUS, SERVICE):
        return Call("/api/v1/me/second-factor/totp/confirm", body)
    client = w.session(a)
    assert client.post("/api/v1/me/second-factor/totp").status_code == 201
    return Call("/api/v1/me/second-factor/totp/confirm", body, client=client)


def prove_second_factor(w: World, a: str) -> Call:
    """A wrong code from a session of the actor's own: its usual one is not replaced."""
    body = {"method": "totp", "code": "000000"}
    if a in (ANONYMOUS, SERVICE):
        return Call("/api/v1/session/second-factor", body)
    return Call("/api/v1/session/second-factor", body, client=w.session(a))


def delete_account(w: World, a: str) -> Call:
    """Plain users delete a new account of their own (theirs is used by every other row). The manager and
    the agent, whose accounts the rest of the table needs, give a wrong password: reaching that refusal
    proves the route let their session through. The other organisation's manager is its only one: refused."""
    if a in (USER, OTHER_USER):
        person = w.person(OTHER_ORG[0] if a == OTHER_USER else None)
        return Call("/api/v1/me", {"password": PASSWORD}, client=person.http)
    if a in (MANAGER, AGENT):
        return Call("/api/v1/me", {"password": "Pas-le-bon-Mot-de-passe-1"}, client=w.session(a))
    password = w.credentials(a)[1] if a == OTHER_MANAGER else PASSWORD
    return Call("/api/v1/me", {"password": password})


def start_email_change(w: World, a: str) -> Call:
    """A change to a new address, with the actor's password: only the code would change the address."""
    password = w.credentials(a)[1] if a not in (ANONYMOUS, SERVICE) else PASSWORD
    return Call("/api/v1/me/email", {"new_email": spare_email(), "password": password})


def verify_email_change(w: World, a: str) -> Call:
    """A wrong code for a change the actor has under way (the previous row's, if a new one is too early)."""
    if a not in (ANONYMOUS, SERVICE):
        started = w.clients[a].post("/api/v1/me/email", json=start_email_change(w, a).json)
        assert started.status_code in (202, 409), started.text
    return Call("/api/v1/me/email/verify", {"code": "000000"})
