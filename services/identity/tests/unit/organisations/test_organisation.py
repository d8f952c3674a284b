"""SIREN and SIRET check digits (with La Poste's exception) and the search keys of names."""

from dataclasses import replace

import pytest

from identity.domain.organisation import (
    Establishment,
    Organisation,
    compact_number,
    is_valid_siren,
    is_valid_siret,
    search_key,
    search_terms,
)


@pytest.mark.parametrize("siren", ["000010116", "356000000", "000019513"])
def test_a_siren_with_a_right_luhn_key_is_valid(siren: str) -> None:
    assert is_valid_siren(siren)


@pytest.mark.parametrize(
    ("siren", "why"),
    [
        ("000010117", "wrong check digit"),
        ("00001011", "8 digits"),
        ("0000101160", "10 digits"),
        ("00001011A", "a letter"),
        ("000 10116", "a space"),
        ("٣٥٦٠٠٠٠٠٠", "Arabic-Indic digits"),
        ("", "empty"),
    ],
)
def test_a_siren_that_is_not_9_digits_with_a_right_key_is_invalid(siren: str, why: str) -> None:
    assert not is_valid_siren(siren), why


def test_a_siret_with_a_right_luhn_key_is_valid() -> None:
    assert is_valid_siret("00001011600010")


def test_a_siret_with_a_wrong_luhn_key_is_invalid() -> None:
    assert not is_valid_siret("00001011600011")


def test_a_siret_whose_siren_part_is_invalid_is_invalid_even_with_a_right_overall_key() -> None:
    # 00001011700000 passes Luhn over its 14 digits, but 000010117 is not a SIREN.
    assert not is_valid_siret("00001011700000")


def test_la_poste_head_office_siret_is_valid() -> None:
    assert is_valid_siret("35600000000048")


def test_a_la_poste_siret_is_valid_when_its_digits_sum_to_a_multiple_of_5_without_a_luhn_key() -> None:
    assert sum(map(int, "35600000090052")) % 5 == 0
    assert is_valid_siret("35600000090052")


def test_a_la_poste_siret_with_a_luhn_key_but_a_digit_sum_not_multiple_of_5_is_invalid() -> None:
    assert not is_valid_siret("35600000000014")


def test_the_la_poste_rule_applies_to_la_poste_only() -> None:
    # Digit sum multiple of 5, but not La Poste and no Luhn key.
    assert sum(map(int, "00001011600001")) % 5 == 0
    assert not is_valid_siret("00001011600001")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Centre de Formation Émeraude", "centre de formation emeraude"),
        ("ATELIER NUMÉRIQUE DU LÉMAN", "atelier numerique du leman"),
        ("L'Œuvre d’Alençon — Saint-Étienne", "l oeuvre d alencon saint etienne"),
        ("  Numérique & Compétences  ", "numerique competences"),
        ("Formation 2000", "formation 2000"),
    ],
)
def test_a_search_key_ignores_accents_case_and_punctuation(text: str, key: str) -> None:
    assert search_key(text) == key


def test_search_terms_are_the_distinct_words_in_order() -> None:
    assert search_terms("Institut de Formation de l'Hôtellerie") == ["institut", "de", "formation", "l", "hotellerie"]


def test_an_organisation_is_searchable_by_its_acronym_too() -> None:
    organisation = Organisation("000010116", "Centre de Formation Émeraude", acronym="CFE")
    assert organisation.terms == ["centre", "de", "formation", "emeraude", "cfe"]


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("356 000 000 00048", "35600000000048"),
        ("356\u00a0000\u00a0000", "356000000"),
        ("356.000.000", "356000000"),
        ("Émeraude", None),
        ("356 000 ABC", None),
        (" - ", None),
    ],
)
def test_a_number_may_be_typed_with_spaces_or_dots(text: str, digits: str | None) -> None:
    assert compact_number(text) == digits


def test_an_establishment_without_a_name_goes_by_its_organisation_name() -> None:
    establishment = Establishment("00001011600010", "000010116", "", "12 rue des Alpes", "74000", "Annecy", True)
    assert establishment.label("Centre de Formation Émeraude") == "Centre de Formation Émeraude"
    assert replace(establishment, name="Émeraude Chambéry").label("Centre") == "Émeraude Chambéry"
