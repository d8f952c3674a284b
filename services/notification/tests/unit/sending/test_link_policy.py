"""E-mails link only to the frontend's allow-listed pages: a command with another link is refused."""

import pytest

from contracts.notification import AccountCreatedEmailV1, PasswordResetCodeV1
from notification.domain.link_policy import ForeignLink, check_links

pytestmark = pytest.mark.unit
FRONTEND = "https://efpconnect.emploi.gouv.fr"


def reset(link: str) -> PasswordResetCodeV1:
    return PasswordResetCodeV1(code="596922", civility="monsieur", last_name="Dupont", link=link)


@pytest.mark.parametrize(
    "link",
    [
        f"{FRONTEND}/mot-de-passe-oublie/4c7d2a91/code?code=596922",
        f"{FRONTEND}/mot-de-passe-oublie/4c7d2a91/code",
    ],
)
def test_a_page_of_the_frontend_that_e_mails_lead_to_passes(link: str) -> None:
    check_links(reset(link), FRONTEND)


@pytest.mark.parametrize(
    ("link", "why"),
    [
        ("https://efpconnect-emploi.gouv.fr.evil.example/mot-de-passe-oublie/x/code", "outside"),
        ("http://efpconnect.emploi.gouv.fr/connexion", "outside"),  # not the frontend's scheme
        (f"{FRONTEND}/mot-de-passe-oublie/x/code?code=596922&next=https://evil.example", "no e-mail"),
        (f"{FRONTEND}/deconnexion", "no e-mail"),
        (f"{FRONTEND}/connexion#https://evil.example", "outside"),
        (f"{FRONTEND}/../connexion", "no e-mail"),
    ],
)
def test_any_other_link_refuses_the_e_mail(link: str, why: str) -> None:
    with pytest.raises(ForeignLink, match=why):
        check_links(reset(link), FRONTEND)


def welcome(link: str) -> AccountCreatedEmailV1:
    return AccountCreatedEmailV1(civility=None, last_name="Dupont", first_name="Jean", link=link)


def test_a_frontend_under_a_path_keeps_its_prefix() -> None:
    check_links(welcome("https://x.gouv.fr/efp/connexion"), "https://x.gouv.fr/efp/")
    with pytest.raises(ForeignLink):
        check_links(welcome("https://x.gouv.fr/connexion"), "https://x.gouv.fr/efp")


def test_an_e_mail_without_a_link_passes() -> None:
    check_links(welcome("https://x.gouv.fr/efp/connexion").model_copy(update={"link": None}), FRONTEND)


def test_the_home_page_of_a_digital_service_passes_and_nothing_else_of_its_site() -> None:
    ceres = ("https://ceres.emploi.gouv.fr",)
    check_links(welcome("https://ceres.emploi.gouv.fr"), FRONTEND, ceres)
    check_links(welcome("https://ceres.emploi.gouv.fr/"), FRONTEND, ceres)
    with pytest.raises(ForeignLink):
        check_links(welcome("https://ceres.emploi.gouv.fr/connexion?next=https://evil.example"), FRONTEND, ceres)
