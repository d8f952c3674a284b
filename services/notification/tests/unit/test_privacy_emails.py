"""The e-mails of a person's own data (issue 15): their variants, the code masked, and subjects that name
no one (an erased e-mail keeps its subject)."""

from datetime import UTC, date, datetime

from jinja2 import Environment, meta

from contracts.notification import AccountDeletedEmailV1, EmailChangeCodeV1, InactiveAccountWarningV1
from notification.adapters.jinja_email_renderer import JinjaEmailRenderer
from notification.domain.catalogue import MASK, SUBJECTS
from services.notification.tests.unit.samples import readable

# The only content a subject may show: the service's name, the kind of change.
SUBJECT_VARIABLES = {"service_label", "change"}


def both(content: object, masked: bool = False) -> tuple[str, str]:
    rendered = JinjaEmailRenderer().render(content, masked=masked)  # type: ignore[arg-type]
    return readable(rendered.text), readable(rendered.html)


def test_no_subject_names_a_person() -> None:
    environment = Environment(autoescape=False)  # noqa: S701 (parsed, never rendered)
    for template, subject in SUBJECTS.items():
        assert meta.find_undeclared_variables(environment.parse(subject)) <= SUBJECT_VARIABLES, template


def test_the_stored_email_change_code_is_masked() -> None:
    for part in both(EmailChangeCodeV1(code="730215"), masked=True):
        assert "730215" not in part
        assert f"merci de saisir le code de vérification ci-dessous : {MASK}" in part


def test_an_account_deleted_for_inactivity_says_why() -> None:
    content = AccountDeletedEmailV1(deleted_at=datetime(2030, 1, 14, 9, 0, tzinfo=UTC), reason="inactive")

    for part in both(content):
        assert "Sans connexion depuis 3 ans, votre compte EFP Connect a été supprimé le 14/01/2030 à 10:00" in part
        assert "comme annoncé dans notre précédent message" in part
        assert "à votre demande" not in part
        assert "Si vous n'êtes pas à l'origine de cette suppression" not in part


def test_a_warning_for_an_account_never_logged_in_to_names_no_date() -> None:
    content = InactiveAccountWarningV1(last_login_on=None, delete_on=date(2030, 4, 1))

    for part in both(content):
        assert "Aucune connexion à votre compte EFP Connect n'a eu lieu depuis plus de 3 ans." in part
        assert "il sera supprimé le 01/04/2030" in part
        assert "Se connecter" not in part  # no link sent: no button
