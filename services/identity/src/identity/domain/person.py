"""What a person's identity fields may hold: civilité, names, job title, French phone numbers."""

import re
import unicodedata

CIVILITIES = ("madame", "monsieur")
NAME_MAX = 80
JOB_TITLE_MAX = 100
# Letters of any script, single spaces, hyphens and apostrophes between them (« Jean-Éric », « N'Diaye »).
_NAME = re.compile(r"^[^\W\d_]+(?:[ '’-][^\W\d_]+)*$")
_PHONE_DIGITS = re.compile(r"^(?:\+33|0033|0)([1-9][0-9]{8})$")


class InvalidField(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def civility(value: str) -> str:
    normalised = value.strip().lower()
    if normalised not in CIVILITIES:
        raise InvalidField("civility", "La civilité doit être « Madame » ou « Monsieur ».")
    return normalised


def person_name(value: str, field: str) -> str:
    """Trimmed, NFC, inner spaces folded; letters with accents, hyphens and apostrophes allowed."""
    name = " ".join(unicodedata.normalize("NFC", value).split())
    label = "Le nom" if field == "last_name" else "Le prénom"
    if not name:
        raise InvalidField(field, f"{label} est obligatoire.")
    if len(name) > NAME_MAX:
        raise InvalidField(field, f"{label} ne doit pas dépasser {NAME_MAX} caractères.")
    # \w also matches ², ½ and Roman numerals: refuse every numeric character explicitly.
    if not _NAME.match(name) or any(unicodedata.category(c).startswith("N") for c in name):
        allowed = "des lettres, des espaces, des tirets et des apostrophes"
        raise InvalidField(field, f"{label} ne peut contenir que {allowed}.")
    return name


def job_title(value: str | None) -> str | None:
    if value is None:
        return None
    title = " ".join(value.split())
    if len(title) > JOB_TITLE_MAX:
        raise InvalidField("job_title", f"Le poste ne doit pas dépasser {JOB_TITLE_MAX} caractères.")
    if any(unicodedata.category(c).startswith("C") for c in title):
        raise InvalidField("job_title", "Le poste contient des caractères non autorisés.")
    return title or None


def french_phone(value: str | None) -> str | None:
    """Stored as +33XXXXXXXXX; accepts « 06 12 34 56 78 », « 06.12.34.56.78 », « +33 6 12 34 56 78 »."""
    if value is None or not value.strip():
        return None
    digits = re.sub(r"[ .\-()]", "", value.strip())
    match = _PHONE_DIGITS.match(digits)
    if not match:
        raise InvalidField("phone", "Le numéro de téléphone doit être un numéro français (ex. 06 12 34 56 78).")
    return f"+33{match.group(1)}"


def display_phone(stored: str | None) -> str | None:
    """+33612345678 → « 06 12 34 56 78 », as French users write it."""
    if not stored:
        return None
    national = "0" + stored.removeprefix("+33")
    return " ".join(national[i : i + 2] for i in range(0, 10, 2))
