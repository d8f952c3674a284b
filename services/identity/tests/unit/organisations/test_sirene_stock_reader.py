"""Reading SIRENE stock files: real column names in any order, bad rows counted, one row at a time."""

import io
import itertools
from collections.abc import Iterator

import pytest

from identity.adapters.sirene_stock_reader import (
    StockFormatError,
    ordinary_case,
    read_etablissements,
    read_unites_legales,
)
from identity.domain.organisation import Establishment, Organisation
from identity.use_cases.organisations.ports import RejectedRow

UL_HEADER = (
    "siren,statutDiffusionUniteLegale,sigleUniteLegale,prenom1UniteLegale,etatAdministratifUniteLegale,"
    "nomUniteLegale,denominationUniteLegale,categorieJuridiqueUniteLegale,activitePrincipaleUniteLegale"
)
ET_HEADER = (
    "siren,nic,siret,etablissementSiege,numeroVoieEtablissement,indiceRepetitionEtablissement,"
    "typeVoieEtablissement,libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,"
    "etatAdministratifEtablissement,enseigne1Etablissement,denominationUsuelleEtablissement"
)


def unites_legales(*rows: str, header: str = UL_HEADER) -> list[Organisation | RejectedRow]:
    return list(read_unites_legales(io.StringIO("\n".join([header, *rows]) + "\n")))


def etablissements(*rows: str, header: str = ET_HEADER) -> list[Establishment | RejectedRow]:
    return list(read_etablissements(io.StringIO("\n".join([header, *rows]) + "\n")))


def test_a_legal_person_is_named_by_its_denomination() -> None:
    [organisation] = unites_legales("000010116,O,CFE,,A,,Centre de Formation Émeraude,5710,85.59A")
    assert organisation == Organisation(
        siren="000010116", name="Centre de Formation Émeraude", acronym="CFE", legal_category="5710", active=True
    )


def test_a_natural_person_is_named_by_first_name_and_surname() -> None:
    [organisation] = unites_legales("000017632,O,,Hélène,A,GARNIER,,1000,85.59B")
    assert isinstance(organisation, Organisation)
    assert organisation.name == "Hélène GARNIER"


def test_a_ceased_legal_unit_is_read_as_inactive() -> None:
    [organisation] = unites_legales("000021394,O,,,C,,Ancienne Imprimerie Vauclair,5499,18.12Z")
    assert isinstance(organisation, Organisation)
    assert organisation.active is False


def test_a_non_diffusible_name_is_not_shown() -> None:
    [organisation] = unites_legales("000017632,P,,[ND],A,[ND],,1000,85.59B")
    assert isinstance(organisation, Organisation)
    assert organisation.name == "SIREN 000017632"


def test_a_row_with_an_invalid_siren_is_rejected_with_its_line_and_the_next_rows_still_read() -> None:
    rows = unites_legales("000010117,O,,,A,,Mauvaise Clé,5710,", "000010587,O,,,A,,Atelier Numérique du Léman,5499,")
    assert rows[0] == RejectedRow(2, "SIREN invalide : '000010117'")
    assert isinstance(rows[1], Organisation)
    assert rows[1].siren == "000010587"


def test_a_row_with_a_wrong_number_of_fields_is_rejected() -> None:
    [row] = unites_legales("000010116,O,CFE")
    assert isinstance(row, RejectedRow)
    assert row.line == 2


def test_columns_are_found_by_name_whatever_their_order_and_others_are_ignored() -> None:
    header = "denominationUniteLegale,dateCreationUniteLegale,etatAdministratifUniteLegale,siren"
    [organisation] = unites_legales('"Atelier Numérique du Léman, Thonon",2019-03-01,A,000010587', header=header)
    assert organisation == Organisation("000010587", "Atelier Numérique du Léman, Thonon")


def test_a_byte_order_mark_before_the_header_is_ignored() -> None:
    [organisation] = unites_legales("000010116,O,,,A,,Centre de Formation Émeraude,5710,", header="\ufeff" + UL_HEADER)
    assert isinstance(organisation, Organisation)


def test_a_file_without_a_required_column_is_refused_before_any_row_is_read() -> None:
    with pytest.raises(StockFormatError, match="denominationUniteLegale"):
        read_unites_legales(io.StringIO("siren,etatAdministratifUniteLegale\n000010116,A\n"))


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(StockFormatError):
        read_etablissements(io.StringIO(""))


def test_an_establishment_address_is_written_out_in_words() -> None:
    [establishment] = etablissements(
        "000010116,00010,00001011600010,true,12,B,RUE,DE L'EGLISE,74000,ANNECY,A,,",
    )
    assert establishment == Establishment(
        siret="00001011600010",
        siren="000010116",
        name="",
        address="12 bis rue de l'Eglise",
        postcode="74000",
        city="Annecy",
        open=True,
        head_office=True,
    )


@pytest.mark.parametrize(
    ("number", "repetition", "street_type", "label", "address"),
    [
        ("3", "", "AV", "DU GENERAL DE GAULLE", "3 avenue du General de Gaulle"),
        ("45", "T", "BD", "GAMBETTA", "45 ter boulevard Gambetta"),
        ("", "", "PL", "DES ARTS", "place des Arts"),
        ("", "", "CHE", "DES SILOS", "chemin des Silos"),
        ("2", "", "ALL", "DES PINS", "2 allée des Pins"),
        ("9", "", "IMP", "DES OLIVIERS", "9 impasse des Oliviers"),
        ("60", "", "QUAI", "DES BONS ENFANTS", "60 quai des Bons Enfants"),
        ("31", "", "RTE", "D'AVIGNON", "31 route d'Avignon"),
        ("", "", "LD", "LOU CASAOU", "lieu-dit Lou Casaou"),
        ("7", "", "XYZ", "DU PORT", "7 XYZ du Port"),
        ("", "", "", "LE BOURG", "Le Bourg"),
        ("8", "", "RUE", "de la Paix", "8 rue de la Paix"),
    ],
)
def test_street_types_and_repetition_indexes_are_expanded(
    number: str, repetition: str, street_type: str, label: str, address: str
) -> None:
    [establishment] = etablissements(
        f"000010116,00010,00001011600010,false,{number},{repetition},{street_type},{label},74000,ANNECY,A,,"
    )
    assert isinstance(establishment, Establishment)
    assert establishment.address == address


def test_a_closed_establishment_is_read_as_not_open_and_named_by_its_enseigne() -> None:
    [establishment] = etablissements(
        "000010116,00044,00001011600044,false,8,,QUAI,DE LA PECHERIE,69001,LYON 1ER ARRONDISSEMENT,F,Émeraude Lyon,"
    )
    assert isinstance(establishment, Establishment)
    assert (establishment.open, establishment.name, establishment.city) == (
        False,
        "Émeraude Lyon",
        "Lyon 1er Arrondissement",
    )


def test_an_establishment_without_enseigne_takes_its_usual_denomination() -> None:
    [establishment] = etablissements("000010116,00010,00001011600010,true,,,,,74000,ANNECY,A,,Campus du Lac")
    assert isinstance(establishment, Establishment)
    assert establishment.name == "Campus du Lac"


def test_la_poste_establishments_are_checked_by_their_own_rule() -> None:
    rows = etablissements(
        "356000000,90052,35600000090052,false,4,,RUE,DU LAC,74000,ANNECY,A,Bureau de poste,",
        "356000000,00014,35600000000014,false,4,,RUE,DU LAC,74000,ANNECY,A,Bureau de poste,",
    )
    assert isinstance(rows[0], Establishment)
    assert rows[1] == RejectedRow(3, "SIRET invalide : '35600000000014'")


def test_an_establishment_whose_siret_does_not_start_with_its_siren_is_rejected() -> None:
    [row] = etablissements("000010587,00010,00001011600010,true,,,,,74000,ANNECY,A,,")
    assert isinstance(row, RejectedRow)


def test_the_siret_is_made_of_siren_and_nic_when_its_column_is_empty() -> None:
    [establishment] = etablissements("000010116,00010,,true,,,,,74000,ANNECY,A,,")
    assert isinstance(establishment, Establishment)
    assert establishment.siret == "00001011600010"


def test_the_reader_is_lazy_it_reads_no_more_lines_than_the_rows_taken() -> None:
    consumed = 0

    def endless() -> Iterator[str]:
        nonlocal consumed
        yield UL_HEADER + "\n"
        while True:
            consumed += 1
            yield "000010116,O,,,A,,Centre de Formation Émeraude,5710,\n"

    rows = read_unites_legales(endless())
    assert len(list(itertools.islice(rows, 3))) == 3
    assert consumed == 3


@pytest.mark.parametrize(
    ("label", "capitalise_first", "shown"),
    [
        ("SAINT-ETIENNE", True, "Saint-Etienne"),
        ("AIX-EN-PROVENCE", True, "Aix-en-Provence"),
        ("LE MANS", True, "Le Mans"),
        ("PARIS 15", True, "Paris 15"),
        ("DE LA CHAUSSEE D'ANTIN", False, "de la Chaussee d'Antin"),
        ("Évian-les-Bains", True, "Évian-les-Bains"),
    ],
)
def test_labels_in_capitals_are_put_in_ordinary_case(label: str, capitalise_first: bool, shown: str) -> None:
    assert ordinary_case(label, capitalise_first) == shown


def test_an_establishment_keeps_its_insee_commune_code() -> None:
    [establishment] = etablissements(
        "000010116,00010,00001011600010,true,12,B,RUE,DES ALPES,74000,ANNECY,A,,,74010",
        header=ET_HEADER + ",codeCommuneEtablissement",
    )
    assert isinstance(establishment, Establishment)
    assert establishment.commune_code == "74010"
    [without] = etablissements("000010116,00010,00001011600010,true,12,B,RUE,DES ALPES,74000,ANNECY,A,,")
    assert isinstance(without, Establishment)
    assert without.commune_code == ""  # older stocks and samples: the postcode decides
