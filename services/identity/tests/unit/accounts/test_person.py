"""Identity fields of a person: civilité, names, job title and French phone numbers."""

import unicodedata

import pytest

from identity.domain.person import (
    JOB_TITLE_MAX,
    NAME_MAX,
    InvalidField,
    civility,
    display_phone,
    french_phone,
    job_title,
    person_name,
)

NAME_CHARACTERS = "Le prénom ne peut contenir que des lettres, des espaces, des tirets et des apostrophes."


@pytest.mark.parametrize(("typed", "stored"), [("Madame", "madame"), (" MONSIEUR ", "monsieur"), ("madame", "madame")])
def test_civility_is_madame_or_monsieur_in_lower_case(typed: str, stored: str) -> None:
    assert civility(typed) == stored


@pytest.mark.parametrize("typed", ["", "Mme", "M.", "mademoiselle", "autre"])
def test_any_other_civility_is_refused(typed: str) -> None:
    with pytest.raises(InvalidField) as refused:
        civility(typed)

    assert refused.value.field == "civility"
    assert refused.value.message == "La civilité doit être « Madame » ou « Monsieur »."


@pytest.mark.parametrize(
    "name", ["Éloïse", "Jean-Éric", "N'Diaye", "O’Neil", "Marie Claire", "Zoë", "Łukasz", "Ærøskøbing", "Νίκος"]
)
def test_names_with_accents_hyphens_apostrophes_and_spaces_are_kept(name: str) -> None:
    assert person_name(name, "first_name") == name


def test_a_name_is_trimmed_and_its_inner_spaces_folded() -> None:
    assert person_name("  Marie \t  Claire \n", "first_name") == "Marie Claire"


def test_a_decomposed_name_is_stored_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Éloïse")

    stored = person_name(decomposed, "first_name")

    assert stored == "Éloïse"
    assert unicodedata.is_normalized("NFC", stored)


@pytest.mark.parametrize("name", ["Ada3", "4da", "R2-D2", "Ada_Lovelace", "Ada!", "Jean--Éric", "-Ada", "Ada'", "A.B"])
def test_digits_and_other_signs_are_refused_in_a_name(name: str) -> None:
    with pytest.raises(InvalidField) as refused:
        person_name(name, "first_name")

    assert refused.value.field == "first_name"
    assert refused.value.message == NAME_CHARACTERS


@pytest.mark.parametrize("name", ["Ada²", "Ada½", "Ⅻ"])
def test_superscript_fraction_and_roman_digits_are_refused_in_a_name(name: str) -> None:
    with pytest.raises(InvalidField):
        person_name(name, "first_name")


@pytest.mark.parametrize(("field", "label"), [("last_name", "Le nom"), ("first_name", "Le prénom")])
def test_an_empty_name_is_required_with_the_field_label(field: str, label: str) -> None:
    with pytest.raises(InvalidField) as refused:
        person_name("   ", field)

    assert (refused.value.field, refused.value.message) == (field, f"{label} est obligatoire.")


def test_a_name_may_have_80_characters_but_not_81() -> None:
    assert person_name("a" * NAME_MAX, "last_name") == "a" * NAME_MAX

    with pytest.raises(InvalidField) as refused:
        person_name("a" * (NAME_MAX + 1), "last_name")

    assert refused.value.message == f"Le nom ne doit pas dépasser {NAME_MAX} caractères."


def test_the_name_length_is_counted_after_folding_spaces() -> None:
    assert person_name("  " + "a" * NAME_MAX + "  ", "last_name") == "a" * NAME_MAX


def test_a_job_title_is_optional() -> None:
    assert job_title(None) is None
    assert job_title("   ") is None


def test_a_job_title_is_trimmed_and_may_hold_any_printable_text() -> None:
    assert job_title("  Responsable   formation (h/f) n°2 ") == "Responsable formation (h/f) n°2"


def test_a_job_title_may_have_100_characters_but_not_101() -> None:
    assert job_title("x" * JOB_TITLE_MAX) == "x" * JOB_TITLE_MAX

    with pytest.raises(InvalidField) as refused:
        job_title("x" * (JOB_TITLE_MAX + 1))

    assert refused.value.field == "job_title"
    assert refused.value.message == f"Le poste ne doit pas dépasser {JOB_TITLE_MAX} caractères."


@pytest.mark.parametrize("title", ["Chef\x00de projet", "Chef\x1bde projet", "Chef\u200bde projet", "Chef\u00adde"])
def test_control_and_format_characters_are_refused_in_a_job_title(title: str) -> None:
    with pytest.raises(InvalidField) as refused:
        job_title(title)

    assert refused.value.field == "job_title"
    assert refused.value.message == "Le poste contient des caractères non autorisés."


def test_tabs_and_line_breaks_in_a_job_title_become_spaces() -> None:
    assert job_title("Chef\tde\nprojet") == "Chef de projet"


@pytest.mark.parametrize(
    "typed",
    [
        "06 12 34 56 78",
        "0612345678",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "+33 6 12 34 56 78",
        "+33612345678",
        "0033 6 12 34 56 78",
        "(06) 12 34 56 78",
        " 06 12 34 56 78 ",
    ],
)
def test_french_phone_numbers_are_stored_in_the_plus_33_form(typed: str) -> None:
    assert french_phone(typed) == "+33612345678"


def test_a_landline_keeps_its_area_digit() -> None:
    assert french_phone("01 23 45 67 89") == "+33123456789"


@pytest.mark.parametrize("typed", [None, "", "   "])
def test_no_phone_is_stored_as_none(typed: str | None) -> None:
    assert french_phone(typed) is None


@pytest.mark.parametrize(
    "typed",
    ["06 12 34 56 7", "06 12 34 56 789", "00 12 34 56 78", "+44 7911 123456", "+33 0 6 12 34 56 78", "06 12 34 56 7a"],
)
def test_other_phone_numbers_are_refused(typed: str) -> None:
    with pytest.raises(InvalidField) as refused:
        french_phone(typed)

    assert refused.value.field == "phone"
    assert refused.value.message == "Le numéro de téléphone doit être un numéro français (ex. 06 12 34 56 78)."


@pytest.mark.parametrize("typed", ["06１２３４５６７８", "06١٢٣٤٥٦٧٨"])
def test_non_ascii_digits_are_refused_in_a_phone_number(typed: str) -> None:
    with pytest.raises(InvalidField):
        french_phone(typed)


def test_a_stored_phone_is_displayed_the_french_way() -> None:
    assert display_phone("+33612345678") == "06 12 34 56 78"


@pytest.mark.parametrize("stored", [None, ""])
def test_no_stored_phone_displays_nothing(stored: str | None) -> None:
    assert display_phone(stored) is None


def test_display_is_the_inverse_of_storing() -> None:
    assert french_phone(display_phone("+33123456789")) == "+33123456789"
