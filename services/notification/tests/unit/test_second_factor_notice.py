"""The notice of a changed second factor: one wording per change, the time in Paris, the recovery-code login."""

from datetime import UTC, datetime

import pytest

from contracts.notification import SecondFactorChange, SecondFactorChangedEmailV1
from notification.adapters.jinja_email_renderer import JinjaEmailRenderer, paris_time
from notification.domain.catalogue import budget_family
from services.notification.tests.unit.samples import readable

WINTER = datetime(2030, 1, 15, 22, 30, tzinfo=UTC)
IF_NOT_YOU = "réinitialisez immédiatement votre mot de passe avec le lien « Réinitialiser mon mot de passe »"
WORDING: dict[SecondFactorChange, str] = {
    "totp_enrolled": "Une application d'authentification a été configurée pour la double authentification",
    "passkey_added": "La clé d'accès « Téléphone » a été ajoutée à la double authentification",
    "totp_removed": "L'application d'authentification a été retirée de la double authentification",
    "passkey_removed": "La clé d'accès « Téléphone » a été retirée de la double authentification",
    "recovery_codes_regenerated": "De nouveaux codes de secours ont été générés pour votre compte EFP Connect",
    "recovery_code_used": "Un code de secours a été utilisé pour vous connecter ; il vous en reste 7.",
}


def parts(content: SecondFactorChangedEmailV1) -> tuple[str, str, str]:
    rendered = JinjaEmailRenderer().render(content)
    return rendered.subject, readable(rendered.text), readable(rendered.html)


@pytest.mark.parametrize("change", sorted(WORDING))
def test_each_change_has_its_sentence_the_paris_time_and_what_to_do(change: SecondFactorChange) -> None:
    passkey = "Téléphone" if change.startswith("passkey") else None
    left = 7 if change == "recovery_code_used" else None
    content = SecondFactorChangedEmailV1(
        change=change, changed_at=WINTER, passkey_name=passkey, recovery_codes_left=left
    )

    _subject, text, html = parts(content)

    for part in (text, html):
        assert WORDING[change] in part
        assert "le 15/01/2030 à 23:30 (heure de Paris)" in part
        assert IF_NOT_YOU in part
        assert "prévenez votre responsable des accès" in part
        assert sum(sentence in part for sentence in WORDING.values()) == 1


def test_a_recovery_code_login_is_told_as_a_login_with_its_own_subject() -> None:
    content = SecondFactorChangedEmailV1(change="recovery_code_used", changed_at=WINTER, recovery_codes_left=0)

    subject, text, html = parts(content)

    assert subject == "Un code de secours a été utilisé pour vous connecter"
    for part in (text, html):
        assert "il vous en reste 0." in part
        assert "Connexion effectuée le 15/01/2030" in part
        assert "Si vous n'êtes pas à l'origine de cette connexion" in part
        assert "Si vous avez perdu votre appareil" in part


def test_a_change_is_told_as_a_modification() -> None:
    subject, text, _html = parts(SecondFactorChangedEmailV1(change="totp_removed", changed_at=WINTER))

    assert subject == "Votre double authentification a été modifiée"
    assert "Modification effectuée le 15/01/2030" in text
    assert "Si vous n'êtes pas à l'origine de cette modification" in text
    assert "Si vous avez perdu votre appareil" not in text


def test_paris_time_follows_summer_time() -> None:
    assert paris_time(datetime(2030, 7, 1, 6, 0, tzinfo=UTC)) == "01/07/2030 à 08:00"
    assert paris_time(datetime(2030, 12, 31, 23, 59, tzinfo=UTC)) == "01/01/2031 à 00:59"


def test_the_notice_is_never_throttled() -> None:
    assert budget_family("second_factor_changed") is None
