"""The optional parts of the access-management e-mails, and what their contents accept."""

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from contracts.notification import (
    AccessGrantedV1,
    AccessRequestReceivedV1,
    HabilitationEndedV1,
    HabilitationEndingSoonV1,
    InvitationV1,
)
from notification.adapters.jinja_email_renderer import JinjaEmailRenderer
from notification.use_cases.sending.ports import RenderedEmail
from services.notification.tests.unit.samples import (
    ENDING,
    INVITATION,
    NANTES,
    REQUEST,
    SAINT_NAZAIRE,
    SAMPLES,
    readable,
)


def render(content: Any) -> RenderedEmail:
    return JinjaEmailRenderer().render(content)


def both(rendered: RenderedEmail) -> tuple[str, str]:
    return readable(rendered.text), readable(rendered.html)


def test_a_request_without_message_shows_no_message_block() -> None:
    rendered = render(AccessRequestReceivedV1(**{**REQUEST, "message": None}))

    for part in both(rendered):
        assert "Message joint à la demande" not in part
        assert "Valider la demande d'accès" in part


def test_the_requester_message_keeps_its_line_breaks() -> None:
    rendered = render(AccessRequestReceivedV1(**{**REQUEST, "message": "Bonjour,\nmerci d'avance."}))

    assert "« Bonjour,\nmerci d'avance. »" in rendered.text
    assert 'white-space:pre-line">« Bonjour,\nmerci d&#39;avance. »</blockquote>' in rendered.html


def test_several_habilitations_are_listed_one_per_line() -> None:
    content = AccessGrantedV1(service_label="CERES", habilitations=(NANTES, SAINT_NAZAIRE), link="https://ceres.fr")

    rendered = render(content)

    assert "- en tant que Centre agréé pour l'établissement CFI Atlantique – Nantes" in rendered.text
    assert "- en tant que Gestionnaire CENTRES pour" in rendered.text
    assert rendered.html.count("<li>") == 2
    for part in both(rendered):
        assert "(SIRET 79810137400039), pour une durée indéterminée." in part
        assert "a été validée" not in part
        assert "Note : Vous pouvez consulter vos habilitations" not in part


def test_an_invitee_with_an_account_is_told_to_log_in_not_to_reset_a_password() -> None:
    rendered = render(InvitationV1(**{**INVITATION, "has_account": True, "valid_for_days": 2}))

    for part in both(rendered):
        assert "Identifiez-vous avec votre compte EFP Connect" in part
        assert "Réinitialiser mon mot de passe" not in part
        assert "Cette invitation expire dans 2 jours" in part


def test_an_invitee_without_an_account_is_told_how_to_set_a_password() -> None:
    for part in both(render(SAMPLES["invitation"].content)):
        assert "Vous n'avez pas encore de compte EFP Connect" in part
        assert "au moins 12 caractères, respectant 3 des 4 critères suivants" in part


def test_the_managers_variant_names_the_holder_and_links_to_their_accesses() -> None:
    content = HabilitationEndingSoonV1(audience="manager", days_left=1, link="https://ceres.fr/acces/u/1", **ENDING)

    rendered = render(content)

    for part in both(rendered):
        assert "L'habilitation de Hélène Lefèvre au service numérique CERES en tant que Centre agréé" in part
        assert "prend fin le 31/12/2030, dans 1 jour." in part
        assert "Hélène Lefèvre n'aura plus accès" in part
        assert "Gérer les accès de Hélène Lefèvre" in part
        assert "Votre habilitation" not in part


def test_an_expired_habilitation_says_its_end_date_was_reached() -> None:
    content = SAMPLES["habilitation_ended"].content.model_copy(update={"kind": "expired", "reason": None})

    for part in both(render(content)):
        assert "a pris fin le 15/06/2030 : sa date de fin est atteinte." in part
        assert "a été retirée" not in part
        assert "Motif" not in part


def test_a_subject_stays_on_one_line_whatever_the_content_holds() -> None:
    content = SAMPLES["access_refused"].content.model_copy(update={"service_label": "CERES\r\nBcc: x@y.fr"})

    assert render(content).subject == "Votre demande d'accès au service numérique CERES Bcc: x@y.fr a été refusée"


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ceres.emploi.gouv.fr", "https://ceres.fr/a b"])
def test_a_link_must_be_an_absolute_web_address(link: str) -> None:
    with pytest.raises(ValidationError):
        AccessGrantedV1(service_label="CERES", habilitations=(NANTES,), link=link)


@pytest.mark.parametrize("siret", ["7981013740002", "798 101 374 00021", "79810137400021x"])
def test_a_siret_is_fourteen_digits(siret: str) -> None:
    with pytest.raises(ValidationError):
        HabilitationEndedV1(**{**SAMPLES["habilitation_ended"].content.model_dump(), "siret": siret})


def test_access_is_granted_with_at_least_one_habilitation() -> None:
    with pytest.raises(ValidationError):
        AccessGrantedV1(service_label="CERES", habilitations=(), link="https://ceres.fr")


def test_an_ending_habilitation_has_an_end_date() -> None:
    with pytest.raises(ValidationError):
        HabilitationEndingSoonV1(audience="holder", link="https://ceres.fr", **{**ENDING, "end_date": None})


def test_dates_are_dates_on_the_wire() -> None:
    content = AccessRequestReceivedV1.model_validate_json(AccessRequestReceivedV1(**REQUEST).model_dump_json())

    assert content.requested_on == date(2030, 3, 5)
