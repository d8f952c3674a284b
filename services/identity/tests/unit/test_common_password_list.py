"""Common passwords: zxcvbn's list, the French supplement, and common cores dressed up."""

from importlib.resources import files

import pytest

from identity.adapters.common_password_list import CommonPasswordList

is_common = CommonPasswordList()


@pytest.mark.parametrize("password", ["password", "123456789", "qwerty", "PASSWORD", "iloveyou"])
def test_passwords_of_the_zxcvbn_list_are_common_whatever_their_case(password: str) -> None:
    assert is_common(password) is True


@pytest.mark.parametrize("password", ["motdepasse", "azertyuiop", "Soleil", "jetaime", "efpconnect", "mot de passe"])
def test_passwords_of_the_french_supplement_are_common(password: str) -> None:
    assert is_common(password) is True


def test_every_word_of_the_shipped_french_supplement_is_common() -> None:
    text = files("identity").joinpath("data/common-passwords-fr.txt").read_text(encoding="utf-8")
    words = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]

    assert len(words) >= 20
    assert all(is_common(word) for word in words)


def test_the_comment_lines_of_the_supplement_are_not_passwords() -> None:
    assert (
        is_common("# French passwords and bases found at the top of public leak statistics, added to zxcvbn's") is False
    )


@pytest.mark.parametrize(
    "password",
    ["Azertyuiop2024!", "!!Motdepasse123", "Soleil#2025", "2024_Marseille_!", "EfpConnect2024!", "Password1"],
)
def test_a_common_core_dressed_up_with_digits_and_symbols_is_common(password: str) -> None:
    assert is_common(password) is True


@pytest.mark.parametrize(
    "password", ["Jument-Vapeur-Horloge-Quinze-Ardoise", "tuile ocre 7 sous la glycine!", "Vélo-Rouge-Lac-42"]
)
def test_a_long_random_passphrase_is_not_common(password: str) -> None:
    assert is_common(password) is False


def test_a_four_letter_common_core_is_enough() -> None:
    assert is_common("Love2024!!") is True


def test_digits_and_symbols_alone_are_judged_as_typed() -> None:
    assert is_common("2024!!#") is False
