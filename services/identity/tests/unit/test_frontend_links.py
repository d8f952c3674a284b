"""The frontend links of identity's e-mails: one base, ids and codes quoted."""

from identity.domain.frontend_links import FrontendLinks

LINKS = FrontendLinks("https://efpconnect.example.fr/")


def test_the_links_hang_off_the_frontend_url_without_a_double_slash() -> None:
    assert LINKS.login() == "https://efpconnect.example.fr/connexion"
    assert LINKS.registration_code("r-1", "482913") == "https://efpconnect.example.fr/inscription/r-1/code?code=482913"
    assert LINKS.password_reset_code("p-1", "596922") == (
        "https://efpconnect.example.fr/mot-de-passe-oublie/p-1/code?code=596922"
    )


def test_ids_and_codes_are_url_quoted() -> None:
    link = LINKS.registration_code("a/b?c", "1&2 3")

    assert link == "https://efpconnect.example.fr/inscription/a%2Fb%3Fc/code?code=1%262%203"
