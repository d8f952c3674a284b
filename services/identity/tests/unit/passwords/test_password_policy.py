"""The password rules: each one alone, several at once, and the French sentence of each."""

import pytest

from identity.domain.password_policy import MAX_LENGTH, MIN_LENGTH, password_problems

EMAIL = "ada.lovelace@example.fr"
TOO_SHORT = f"Le mot de passe doit contenir au moins {MIN_LENGTH} caractères."
TOO_LONG = f"Le mot de passe ne doit pas dépasser {MAX_LENGTH} caractères."
CLASSES = (
    "Le mot de passe doit contenir au moins 3 des 4 types de caractères suivants : "
    "minuscules, majuscules, chiffres, caractères spéciaux."
)
HAS_EMAIL = "Le mot de passe ne doit pas contenir votre adresse e-mail."
COMMON = "Ce mot de passe est trop courant. Choisissez-en un moins prévisible."


def never_common(password: str) -> bool:
    return False


def always_common(password: str) -> bool:
    return True


def test_a_long_varied_uncommon_password_breaks_no_rule() -> None:
    assert password_problems("Vélo-Rouge-Lac-42", EMAIL, never_common) == []


def test_eleven_characters_are_too_short() -> None:
    assert password_problems("Abcdefgh1!x", EMAIL, never_common) == [TOO_SHORT]


def test_twelve_characters_are_enough() -> None:
    assert password_problems("Abcdefgh1!xy", EMAIL, never_common) == []


def test_more_than_128_characters_are_too_long() -> None:
    assert password_problems("Ab1!" * 32, EMAIL, never_common) == []
    assert password_problems("Ab1!" * 32 + "x", EMAIL, never_common) == [TOO_LONG]


@pytest.mark.parametrize(
    "password",
    ["abcdefghijkl", "ABCDEFGHIJKL", "123456789012", "!!!!!!!!!!!!", "abcdefABCDEF", "abcdef123456", "ABCDEF!!!!!!"],
)
def test_fewer_than_three_kinds_of_characters_are_refused(password: str) -> None:
    assert password_problems(password, EMAIL, never_common) == [CLASSES]


@pytest.mark.parametrize("password", ["abcdefABCD12", "abcdefABCD!!", "abcdef1234!!", "ABCDEF1234!!"])
def test_any_three_kinds_of_characters_are_enough(password: str) -> None:
    assert password_problems(password, EMAIL, never_common) == []


def test_accented_letters_count_as_lower_and_upper_case() -> None:
    assert password_problems("éèàçùÉÈÀÇÙ12", EMAIL, never_common) == []


def test_a_space_counts_as_a_special_character() -> None:
    assert password_problems("abcdef ghij 12", EMAIL, never_common) == []


def test_the_local_part_of_the_address_is_refused_whatever_its_case() -> None:
    assert password_problems("xx-ADA.Lovelace-42", EMAIL, never_common) == [HAS_EMAIL]


def test_a_three_letter_local_part_is_refused_inside_the_password() -> None:
    assert password_problems("Bonjour-ada-2024", "ada@example.fr", never_common) == [HAS_EMAIL]


@pytest.mark.parametrize("email", ["al@example.fr", "a@example.fr", ""])
def test_a_local_part_shorter_than_three_characters_is_ignored(email: str) -> None:
    assert password_problems("Bonjour-al-2024", email, never_common) == []


def test_the_domain_of_the_address_is_allowed() -> None:
    assert password_problems("Example-fr-2024", "ada@example.fr", never_common) == []


def test_a_common_password_is_refused() -> None:
    assert password_problems("Vélo-Rouge-Lac-42", EMAIL, always_common) == [COMMON]


def test_the_common_check_is_given_the_password_as_typed() -> None:
    seen: list[str] = []

    def recording(password: str) -> bool:
        seen.append(password)
        return False

    password_problems("Vélo-Rouge-Lac-42", EMAIL, recording)

    assert seen == ["Vélo-Rouge-Lac-42"]


def test_every_broken_rule_is_listed_in_order() -> None:
    assert password_problems("ada", "ada@example.fr", always_common) == [TOO_SHORT, CLASSES, HAS_EMAIL, COMMON]


def test_a_too_long_single_kind_password_reports_both_rules() -> None:
    assert password_problems("a" * (MAX_LENGTH + 1), EMAIL, never_common) == [TOO_LONG, CLASSES]
