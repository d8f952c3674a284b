"""Streaming readers of INSEE's SIRENE stock files (StockUniteLegale, StockEtablissement), one row at a time."""

import csv
import re
from collections.abc import Iterable, Iterator

from identity.domain.organisation import SIREN_LENGTH, Establishment, Organisation, is_valid_siren, is_valid_siret
from identity.use_cases.organisations.ports import RejectedRow

# What a non-diffusible unit (statut de diffusion P) shows instead of its name or address.
NOT_DIFFUSED = "[ND]"
MALFORMED = "ligne mal formée (nombre de colonnes différent de l'en-tête)"

_UNITE_LEGALE_REQUIRED = ("siren", "denominationUniteLegale", "etatAdministratifUniteLegale")
_ETABLISSEMENT_REQUIRED = ("siret", "etatAdministratifEtablissement")

# INSEE's codes of the street types people meet most; a rarer code is shown as it is.
STREET_TYPES = {
    "ALL": "allée",
    "AV": "avenue",
    "BD": "boulevard",
    "CAR": "carrefour",
    "CHE": "chemin",
    "CHEM": "chemin",
    "CHS": "chaussée",
    "CITE": "cité",
    "CRS": "cours",
    "DOM": "domaine",
    "ESP": "esplanade",
    "FG": "faubourg",
    "HAM": "hameau",
    "IMP": "impasse",
    "LD": "lieu-dit",
    "LOT": "lotissement",
    "MTE": "montée",
    "PAS": "passage",
    "PL": "place",
    "PROM": "promenade",
    "PRV": "parvis",
    "QUA": "quartier",
    "QUAI": "quai",
    "RES": "résidence",
    "RPT": "rond-point",
    "RTE": "route",
    "RUE": "rue",
    "SEN": "sentier",
    "SQ": "square",
    "TSSE": "terrasse",
    "VLA": "villa",
    "ZA": "zone artisanale",
    "ZAC": "zone d'aménagement concerté",
    "ZI": "zone industrielle",
}
REPETITION_INDEXES = {"B": "bis", "T": "ter", "Q": "quater", "C": "quinquies"}
# Words left in lower case when a label written in capitals is put back into ordinary case.
_SMALL_WORDS = {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "sous", "sur"}
_WORD = re.compile(r"\w+")


class StockFormatError(ValueError):
    """The file is not a SIRENE stock file of the expected kind (a required column is missing)."""


def read_unites_legales(lines: Iterable[str]) -> Iterator[Organisation | RejectedRow]:
    """StockUniteLegale rows as organisations; a row with an invalid SIREN comes as a rejected row.

    The header is checked at once (StockFormatError), the rows are read only as they are consumed.
    """
    return _organisations(_rows(lines, _UNITE_LEGALE_REQUIRED))


def read_etablissements(lines: Iterable[str]) -> Iterator[Establishment | RejectedRow]:
    """StockEtablissement rows as establishments; a row with an invalid SIRET comes as a rejected row.

    The header is checked at once (StockFormatError), the rows are read only as they are consumed.
    """
    return _establishments(_rows(lines, _ETABLISSEMENT_REQUIRED))


def _organisations(rows: Iterator[tuple[int, dict[str, str] | None]]) -> Iterator[Organisation | RejectedRow]:
    for line, row in rows:
        if row is None:
            yield RejectedRow(line, MALFORMED)
            continue
        siren = row["siren"]
        if not is_valid_siren(siren):
            yield RejectedRow(line, f"SIREN invalide : {siren!r}")
            continue
        yield Organisation(
            siren=siren,
            name=_organisation_name(row),
            acronym=_value(row, "sigleUniteLegale"),
            legal_category=_value(row, "categorieJuridiqueUniteLegale"),
            active=row["etatAdministratifUniteLegale"] == "A",
        )


def _establishments(rows: Iterator[tuple[int, dict[str, str] | None]]) -> Iterator[Establishment | RejectedRow]:
    for line, row in rows:
        if row is None:
            yield RejectedRow(line, MALFORMED)
            continue
        siret = row["siret"] or _value(row, "siren") + _value(row, "nic")
        siren = _value(row, "siren") or siret[:SIREN_LENGTH]
        if not is_valid_siret(siret) or siret[:SIREN_LENGTH] != siren:
            yield RejectedRow(line, f"SIRET invalide : {siret!r}")
            continue
        yield Establishment(
            siret=siret,
            siren=siren,
            name=_value(row, "enseigne1Etablissement") or _value(row, "denominationUsuelleEtablissement"),
            address=_address(row),
            postcode=_value(row, "codePostalEtablissement"),
            city=ordinary_case(_value(row, "libelleCommuneEtablissement"), capitalise_first=True),
            open=row["etatAdministratifEtablissement"] == "A",
            head_office=_value(row, "etablissementSiege").lower() in ("true", "1", "o", "oui"),
            commune_code=_value(row, "codeCommuneEtablissement"),
        )


def ordinary_case(label: str, capitalise_first: bool) -> str:
    """INSEE writes labels in capitals (« RUE DE L'EGLISE »); show « de l'Eglise ». Mixed case is kept."""
    if not label.isupper():
        return label

    def word(match: re.Match[str]) -> str:
        text = match.group()
        if not text[0].isalpha() or (text in _SMALL_WORDS and (match.start() > 0 or not capitalise_first)):
            return text
        return text.capitalize()

    return _WORD.sub(word, label.lower())


def _rows(lines: Iterable[str], required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str] | None]]:
    # csv.reader rather than DictReader: real files have ~40 columns; only the header's names matter,
    # never their order. A BOM (utf-8-sig) may survive on the first name when the caller opened as utf-8.
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        raise StockFormatError("le fichier est vide")
    names = [name.lstrip("\ufeff").strip() for name in header]
    missing = [name for name in required if name not in names]
    if missing:
        raise StockFormatError(f"colonnes manquantes : {', '.join(missing)}")
    # A generator expression: the header is checked now, the rows are read as they are consumed.
    return ((reader.line_num, _record(fields, names)) for fields in reader if any(fields))


def _record(fields: list[str], names: list[str]) -> dict[str, str] | None:
    if len(fields) != len(names):
        return None
    return {name: value.strip() for name, value in zip(names, fields, strict=True)}


def _value(row: dict[str, str], column: str) -> str:
    value = row.get(column, "")
    return "" if value == NOT_DIFFUSED else value


def _organisation_name(row: dict[str, str]) -> str:
    # A legal person has a denomination; a natural person (entrepreneur individuel) a surname and first name.
    person = " ".join(part for part in (_value(row, "prenom1UniteLegale"), _value(row, "nomUniteLegale")) if part)
    return (
        _value(row, "denominationUniteLegale") or person or _value(row, "sigleUniteLegale") or f"SIREN {row['siren']}"
    )


def _address(row: dict[str, str]) -> str:
    number = _value(row, "numeroVoieEtablissement")
    repetition = _value(row, "indiceRepetitionEtablissement")
    if number and repetition:
        number = f"{number} {REPETITION_INDEXES.get(repetition.upper(), repetition.lower())}"
    street_type = _value(row, "typeVoieEtablissement")
    street_type = STREET_TYPES.get(street_type.upper(), street_type)
    street = ordinary_case(_value(row, "libelleVoieEtablissement"), capitalise_first=not street_type)
    return " ".join(part for part in (number, street_type, street) if part)
