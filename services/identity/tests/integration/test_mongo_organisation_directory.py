"""The organisations directory against the real MongoDB-wire store: the sample import, search, and the
operators' import command (`efp-ops sirene import`, which runs identity's operator module)."""

import json
import os
import subprocess
import sys
import uuid
import zipfile
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from contracts.organisations import GetOrganisationV1, OrganisationV1, SearchOrganisationsV1
from devstack.pytest_plugin import Infrastructure
from efp_runtime.message_context import MessageContext
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from identity.adapters.mongo_organisation_directory import (
    ESTABLISHMENTS,
    INDEXES,
    ORGANISATIONS,
    MongoOrganisationDirectory,
)
from identity.adapters.sirene_stock_reader import read_etablissements, read_unites_legales
from identity.domain.organisation import Establishment, Organisation
from identity.entrypoints.operator import open_stock
from identity.use_cases.organisations.get_organisation import GetOrganisation
from identity.use_cases.organisations.import_sirene import ImportCounts, ImportReport, ImportSirene, SireneStock
from identity.use_cases.organisations.search_organisations import SearchOrganisations

pytestmark = pytest.mark.integration
CONTEXT = MessageContext.fresh()

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sirene-sample"
UNITES_LEGALES = SAMPLE / "StockUniteLegale_sample.csv"
ETABLISSEMENTS = SAMPLE / "StockEtablissement_sample.csv"
EMERAUDE = "000010116"
EMERAUDE_LYON_CLOSED = "00001011600044"
FORGES_ALL_CLOSED = "000016691"
LA_POSTE = "356000000"
LA_POSTE_THONON_CLOSED = "35600000090101"


@pytest.fixture
async def database(infrastructure: Infrastructure) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url)
    database = client[f"{infrastructure.database_prefix}directory_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(database, INDEXES)
    yield database
    await client.drop_database(database.name)
    await client.close()


@pytest.fixture
def directory(database: AsyncDatabase[dict[str, Any]]) -> MongoOrganisationDirectory:
    return MongoOrganisationDirectory(database[ORGANISATIONS], database[ESTABLISHMENTS])


async def import_sample(directory: MongoOrganisationDirectory) -> ImportReport:
    with open_stock(UNITES_LEGALES) as unites_legales, open_stock(ETABLISSEMENTS) as etablissements:
        return await ImportSirene(directory)(
            SireneStock(read_unites_legales(unites_legales), read_etablissements(etablissements))
        )


async def search(directory: MongoOrganisationDirectory, q: str) -> list[OrganisationV1]:
    return (await SearchOrganisations(directory)(SearchOrganisationsV1(q=q), CONTEXT)).organisations


async def snapshot(database: AsyncDatabase[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {
        name: [doc async for doc in database[name].find().sort("_id", 1)] for name in (ORGANISATIONS, ESTABLISHMENTS)
    }


async def test_importing_the_sample_twice_leaves_the_same_documents(directory, database) -> None:
    first = await import_sample(directory)
    assert first == ImportReport(
        organisations=ImportCounts(read=45, written=45, changed=45, skipped_invalid=0),
        establishments=ImportCounts(read=94, written=94, changed=94, skipped_invalid=0),
    )
    stored = await snapshot(database)
    second = await import_sample(directory)
    assert (second.organisations.changed, second.establishments.changed) == (0, 0)
    assert await snapshot(database) == stored
    assert (len(stored[ORGANISATIONS]), len(stored[ESTABLISHMENTS])) == (45, 94)


async def test_an_accentless_prefix_finds_emeraude_without_its_closed_establishment(directory) -> None:
    await import_sample(directory)
    found = await search(directory, "emer")
    assert [o.name for o in found] == ["Émeraude Bâtiment", "Centre de Formation Émeraude"]
    centre = found[1]
    assert centre.siren == EMERAUDE
    assert centre.establishments[0].model_dump() == {
        "siret": "00001011600010",
        "name": "Centre de Formation Émeraude",
        "address": "12 bis rue des Alpes",
        "postcode": "74000",
        "city": "Annecy",
        "commune_code": None,  # the sample gives few of them
    }
    assert EMERAUDE_LYON_CLOSED not in [e.siret for e in centre.establishments]
    assert len(centre.establishments) == 4


async def test_several_words_in_any_case_must_all_match(directory) -> None:
    await import_sample(directory)
    found = await search(directory, "CENTRE formation émer")
    assert [o.siren for o in found] == [EMERAUDE]
    assert (await search(directory, "oeuvre normande"))[0].name.startswith("Œuvre")


async def test_la_poste_is_found_by_siren_and_by_spaced_siret_without_its_closed_office(directory) -> None:
    await import_sample(directory)
    [by_siren] = await search(directory, LA_POSTE)
    assert [e.siret for e in by_siren.establishments] == ["35600000000048", "35600000090052", "35600000090066"]
    [by_siret] = await search(directory, "356 000 000 90066")
    assert by_siret.siren == LA_POSTE
    assert by_siret.establishments[0].siret == "35600000090066"
    assert await search(directory, LA_POSTE_THONON_CLOSED) == []


async def test_an_organisation_with_only_closed_establishments_is_not_offered(directory) -> None:
    await import_sample(directory)
    for q in ("forges", FORGES_ALL_CLOSED, "vauclair"):
        assert await search(directory, q) == [], q
    assert (
        await GetOrganisation(directory)(GetOrganisationV1(siren=EMERAUDE), CONTEXT)
    ).name == "Centre de Formation Émeraude"


async def test_the_import_holds_one_batch_at_a_time_whatever_the_stream_length(directory, database) -> None:
    batch_size, rows = 500, 5_000
    produced = 0
    most_in_flight = 0
    written = 0

    class Counting(MongoOrganisationDirectory):
        async def upsert_establishments(self, establishments: Sequence[Establishment]) -> int:
            nonlocal most_in_flight, written
            most_in_flight = max(most_in_flight, produced - written)
            written += len(establishments)
            return await super().upsert_establishments(establishments)

    def stream() -> Iterator[Establishment]:
        nonlocal produced
        for n in range(rows):
            produced += 1
            yield Establishment(f"{n:014d}", EMERAUDE, "", f"{n} rue des Alpes", "74000", "Annecy", True)

    counting = Counting(database[ORGANISATIONS], database[ESTABLISHMENTS])
    report = await ImportSirene(counting)(SireneStock([Organisation(EMERAUDE, "Centre")], stream(), batch_size))
    assert report.establishments.written == rows
    assert most_in_flight == batch_size
    assert await database[ESTABLISHMENTS].count_documents({}) == rows
    assert await counting.offered_organisations({EMERAUDE}) == [Organisation(EMERAUDE, "Centre")]


@pytest.fixture
async def database_name(infrastructure: Infrastructure) -> AsyncIterator[str]:
    name = f"{infrastructure.database_prefix}directory_{uuid.uuid4().hex[:8]}"
    yield name
    client = create_mongo_client(infrastructure.mongodb_url)
    await client.drop_database(name)
    await client.close()


def run_command(infrastructure: Infrastructure, database: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MONGODB_URL": infrastructure.mongodb_url, "IDENTITY_DATABASE": database}
    return subprocess.run(
        [sys.executable, "-m", "efp_ops", "sirene", "import", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def zipped(csv_file: Path, directory: Path) -> Path:
    archive = directory / f"{csv_file.stem}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as output:
        output.write(csv_file, csv_file.name)
    return archive


def test_the_import_command_loads_the_sample_then_its_zip_changes_nothing(
    infrastructure: Infrastructure, database_name: str, tmp_path: Path
) -> None:
    first = run_command(
        infrastructure, database_name, "--unites-legales", str(UNITES_LEGALES), "--etablissements", str(ETABLISSEMENTS)
    )
    assert first.returncode == 0, first.stderr
    counts = json.loads(first.stdout.strip())
    assert counts["organisations"] == {"read": 45, "written": 45, "changed": 45, "skipped_invalid": 0}
    assert counts["establishments"] == {"read": 94, "written": 94, "changed": 94, "skipped_invalid": 0}
    # INSEE publishes the stock files as .zip archives of one CSV each.
    again = run_command(
        infrastructure,
        database_name,
        "--unites-legales",
        str(zipped(UNITES_LEGALES, tmp_path)),
        "--etablissements",
        str(zipped(ETABLISSEMENTS, tmp_path)),
    )
    assert again.returncode == 0, again.stderr
    counts = json.loads(again.stdout.strip())
    assert (counts["organisations"]["changed"], counts["establishments"]["changed"]) == (0, 0)


def test_the_import_command_refuses_a_missing_or_foreign_file_with_exit_code_2(
    infrastructure: Infrastructure, database_name: str, tmp_path: Path
) -> None:
    missing = run_command(
        infrastructure,
        database_name,
        "--unites-legales",
        str(tmp_path / "nope.csv"),
        "--etablissements",
        str(ETABLISSEMENTS),
    )
    assert missing.returncode == 2
    assert json.loads(missing.stdout) == {"error": "file_not_found", "path": str(tmp_path / "nope.csv")}
    foreign = tmp_path / "foreign.csv"
    foreign.write_text("id,label\n1,x\n", encoding="utf-8")
    wrong = run_command(
        infrastructure, database_name, "--unites-legales", str(foreign), "--etablissements", str(ETABLISSEMENTS)
    )
    assert wrong.returncode == 2
    assert json.loads(wrong.stdout) == {"error": "unreadable_file", "detail": "StockFormatError"}
    assert "colonnes manquantes" in wrong.stderr


async def test_the_store_stops_counting_at_the_bound_it_is_given(directory) -> None:
    await import_sample(directory)
    every = await directory.count_offered(["formation"], 1000)

    assert every > 2
    assert await directory.count_offered(["formation"], 2) == 2
