"""Organisations (SIREN) and their establishments (SIRET), their check digits and their search keys."""

import re
import unicodedata
from dataclasses import dataclass

SIREN_LENGTH = 9
SIRET_LENGTH = 14
# La Poste numbers its many establishments outside the Luhn rule: INSEE's documented exception.
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE_SIRET = "35600000000048"

# Letters NFKD does not decompose (ligatures), spelled out so « Œuvre » is found by « oeuvre ».
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")
# What people type inside a number: « 356 000 000 00048 », « 356.000.000 », non-breaking spaces.
_NUMBER_SEPARATORS = re.compile(r"[\s.\-]+")


@dataclass(frozen=True)
class Organisation:
    """A legal unit (unité légale): a company, an association, a public body or a natural person."""

    siren: str
    name: str
    acronym: str = ""
    legal_category: str = ""
    # État administratif of the legal unit: A (active) or C (ceased).
    active: bool = True

    @property
    def terms(self) -> list[str]:
        """The words a search can match: those of the raison sociale and of the acronym."""
        return search_terms(f"{self.name} {self.acronym}")


@dataclass(frozen=True)
class Establishment:
    """An establishment (établissement) of an organisation, at one address."""

    siret: str
    siren: str
    # Its enseigne or usual name; empty when it has none (then it goes by the organisation's name).
    name: str
    address: str
    postcode: str
    city: str
    # État administratif A; a closed establishment (F) is never offered.
    open: bool
    head_office: bool = False
    # INSEE's commune code (« 74010 », « 2A004 »), empty when the stock has none.
    commune_code: str = ""

    def label(self, organisation_name: str) -> str:
        return self.name or organisation_name


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _digits(text: str, length: int) -> bool:
    # isdecimal() alone accepts other scripts' digits (« ٣ »); numbers are ASCII.
    return len(text) == length and text.isascii() and text.isdecimal()


def is_valid_siren(siren: str) -> bool:
    return _digits(siren, SIREN_LENGTH) and _luhn_ok(siren)


def is_valid_siret(siret: str) -> bool:
    if not _digits(siret, SIRET_LENGTH) or not is_valid_siren(siret[:SIREN_LENGTH]):
        return False
    if siret.startswith(LA_POSTE_SIREN) and siret != LA_POSTE_HEAD_OFFICE_SIRET:
        return sum(int(char) for char in siret) % 5 == 0
    return _luhn_ok(siret)


def compact_number(text: str) -> str | None:
    """The digits of a SIREN or SIRET typed with spaces or dots; None if the text is not a number."""
    compact = _NUMBER_SEPARATORS.sub("", text)
    return compact if compact and compact.isascii() and compact.isdecimal() else None


def search_key(text: str) -> str:
    """Accents, case and punctuation removed: « L'Atelier Numérique » → « l atelier numerique »."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    return " ".join(_NOT_ALPHANUMERIC.sub(" ", bare).split())


def search_terms(name: str) -> list[str]:
    """The distinct words of a name's search key, in order (stored in a multikey index)."""
    return list(dict.fromkeys(search_key(name).split()))
