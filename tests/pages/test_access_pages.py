"""« Vous n'avez pas accès au service numérique CERES » through the pages (guide 000 §3.2 steps
15–24, §4): the activation code, the charter, the self-habilitation and the CGU; a wrong code; the
access request and « Mes demandes ». On the SIRENE sample's « Centre de Formation Aubépine »."""

import re

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.access import issue_code, new_manager
from tests.e2e.journeys import PASSWORD, create_account, unique_email
from tests.e2e.journeys import log_in as gateway_log_in
from tests.pages.browsing import form_token, log_in
from tests.pages.catalogue import check_screen

pytestmark = pytest.mark.e2e
SIREN, SIRET_A, SIRET_B = "000030007", "00003000700017", "00003000700025"


def _person(system: RunningSystem, mail_server: MailRecorder, client: httpx.Client) -> str:
    """A new person of Aubépine, logged in through the pages; returns the e-mail."""
    email = unique_email()
    with system.client() as gateway:
        create_account(gateway, mail_server, email, siren=SIREN)
    assert log_in(client, email, PASSWORD).headers["location"] == "/accueil"
    return email


def _me(system: RunningSystem, email: str) -> dict:  # type: ignore[type-arg]
    with system.client() as gateway:
        assert gateway_log_in(gateway, email).status_code == 200
        return gateway.get("/api/v1/me").json()  # type: ignore[no-any-return]


def test_the_activation_code_makes_the_person_manager_with_a_habilitation_and_the_cgu(
    system: RunningSystem, mail_server: MailRecorder, browser_like: httpx.Client
) -> None:
    email = _person(system, mail_server, browser_like)
    hub = browser_like.get("/acces")
    check_screen("acces", hub.text)
    code = issue_code(system, SIRET_A)
    form = browser_like.get("/acces/activation")
    check_screen("acces-activation", form.text)
    started = browser_like.post(
        "/acces/activation",
        data={"csrf_token": form_token(form.text), "siret": SIRET_A, "activation_code": code},
    )
    assert started.status_code == 303, started.text
    charter_path = started.headers["location"]
    assert re.fullmatch(r"/acces/activation/[\w-]+/charte", charter_path)
    charter = browser_like.get(charter_path)
    check_screen("acces-charte", charter.text)
    unticked = browser_like.post(charter_path, data={"csrf_token": form_token(charter.text)})
    assert unticked.status_code == 422
    assert 'id="accept-erreur"' in unticked.text
    accepted = browser_like.post(charter_path, data={"csrf_token": form_token(charter.text), "accept": "oui"})
    assert accepted.headers["location"] == "/acces/habilitation"
    own = browser_like.get("/acces/habilitation")
    check_screen("acces-habilitation", own.text)
    assert SIRET_A in own.text
    assert SIRET_B in own.text
    assert f'<option value="{SIRET_A}" selected>' in own.text  # the letter's SIRET comes first
    added = browser_like.post(
        "/acces/habilitation",
        data={"csrf_token": form_token(own.text), "siret": SIRET_A, "role": "centre_agree", "end_date": ""},
    )
    assert added.status_code == 303, added.text
    listed = browser_like.get(added.headers["location"])
    assert "Liste de vos habilitations" in listed.text
    assert "Centre agréé" in listed.text
    terms = browser_like.get("/acces/cgu")
    check_screen("acces-cgu", terms.text)
    done = browser_like.post("/acces/cgu", data={"csrf_token": form_token(terms.text), "accept": "oui"})
    assert done.headers["location"] == "/accueil"
    me = _me(system, email)
    assert SIREN in me["manager_of"]
    assert [(h["role"], h["siret"], h["end_date"]) for h in me["habilitations"]] == [("centre_agree", SIRET_A, None)]


def test_a_wrong_activation_code_is_said_next_to_its_field_and_changes_nothing(
    system: RunningSystem, mail_server: MailRecorder, browser_like: httpx.Client
) -> None:
    email = _person(system, mail_server, browser_like)
    form = browser_like.get("/acces/activation")
    wrong = browser_like.post(
        "/acces/activation",
        data={"csrf_token": form_token(form.text), "siret": SIRET_B, "activation_code": "AAAA2222BBBB"},
    )
    assert wrong.status_code == 422
    assert 'id="activation_code-erreur"' in wrong.text
    assert 'value="AAAA2222BBBB"' in wrong.text  # what was typed stays
    me = _me(system, email)
    assert me["manager_of"] == []
    assert me["habilitations"] == []
    assert browser_like.get("/acces/habilitation").headers["location"] == "/acces"


def test_an_access_request_made_through_the_pages_is_followed_on_mes_demandes(
    system: RunningSystem, mail_server: MailRecorder, browser_like: httpx.Client
) -> None:
    manager = new_manager(system, mail_server, SIREN, SIRET_A)
    _person(system, mail_server, browser_like)
    form = browser_like.get("/acces/demande")
    check_screen("acces-demande", form.text)
    searched = browser_like.get("/acces/demande", params={"q": SIRET_B})
    assert "1 résultat affiché sur 2" in searched.text
    missing = browser_like.post("/acces/demande", data={"csrf_token": form_token(form.text), "message": "x"})
    assert missing.status_code == 422
    assert 'id="siret-erreur"' in missing.text
    sent = browser_like.post(
        "/acces/demande",
        data={"csrf_token": form_token(form.text), "siret": SIRET_B, "message": "Formatrice à Marseille"},
    )
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"].startswith("/mes-demandes")
    mine = browser_like.get(sent.headers["location"])
    check_screen("mes-demandes", mine.text)
    assert "Aubépine Marseille" in mine.text
    assert "Formatrice à Marseille" in mine.text
    request_id = re.search(r'action="/mes-demandes/([\w-]+)/relancer"', mine.text)
    assert request_id
    early = browser_like.post(
        f"/mes-demandes/{request_id.group(1)}/relancer", data={"csrf_token": form_token(mine.text)}
    )
    assert early.status_code == 409
    assert re.search(r"Vous pourrez la relancer à partir du \d{2}/\d{2}/\d{4}", early.text), early.text
    pending = manager.http.get(f"/api/v1/organisations/{SIREN}/access-requests", params={"status": "pending"})
    assert SIRET_B in pending.text
