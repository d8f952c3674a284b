"""The import command: SIRENE stock files (StockUniteLegale, StockEtablissement) into the organisations directory."""

# Both files (CSV in UTF-8 with or without BOM, or the .zip INSEE publishes) are streamed in batches of
# upserts: memory stays flat whatever their size, and importing the same files again changes nothing.
# Prints the counts as one JSON line; exit code 0, 2 on bad arguments or an unreadable file, 1 if the
# database cannot be reached.

import argparse
import asyncio
import contextlib
import io
import json
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import IO

from pydantic import AliasChoices, Field
from pymongo.errors import PyMongoError

from efp_runtime.mongo import create_mongo_client, ensure_indexes
from efp_runtime.settings import RuntimeSettings
from efp_runtime.structured_logging import configure_logging
from identity.adapters import mongo_organisation_directory
from identity.adapters.mongo_organisation_directory import MongoOrganisationDirectory
from identity.adapters.sirene_stock_reader import StockFormatError, read_etablissements, read_unites_legales
from identity.use_cases.import_sirene import BATCH_SIZE, ImportReport, ImportSirene

USAGE_ERROR = 2
DATABASE_ERROR = 1


class ImportSettings(RuntimeSettings):
    """Only what the import needs: IdentitySettings would also demand the service's secret key."""

    database: str = Field("identity", validation_alias=AliasChoices("IDENTITY_DATABASE"))


@contextlib.contextmanager
def open_stock(path: Path) -> Iterator[IO[str]]:
    """The CSV as text, read lazily; a .zip must hold exactly one .csv (as INSEE publishes them)."""
    if path.suffix.lower() != ".zip":
        with path.open(encoding="utf-8-sig", newline="") as text:
            yield text
        return
    with zipfile.ZipFile(path) as archive:
        members = [name for name in archive.namelist() if name.lower().endswith(".csv")]
        if len(members) != 1:
            raise StockFormatError(f"l'archive doit contenir un seul fichier .csv, elle en contient {len(members)}")
        with archive.open(members[0]) as raw:
            yield io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


async def import_files(
    settings: ImportSettings, unites_legales: Path, etablissements: Path, batch_size: int
) -> ImportReport:
    with open_stock(unites_legales) as organisation_lines, open_stock(etablissements) as establishment_lines:
        # Both headers are checked here, before the database is touched; rows are read as imported.
        organisations = read_unites_legales(organisation_lines)
        establishments = read_etablissements(establishment_lines)
        mongo = create_mongo_client(settings.mongodb_url)
        try:
            database = mongo[settings.database]
            await ensure_indexes(database, mongo_organisation_directory.INDEXES)
            directory = MongoOrganisationDirectory(
                database[mongo_organisation_directory.ORGANISATIONS],
                database[mongo_organisation_directory.ESTABLISHMENTS],
            )
            return await ImportSirene(directory, batch_size)(organisations, establishments)
        finally:
            await mongo.close()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m identity.entrypoints.import_sirene",
        description="Importe les fichiers stock SIRENE de l'INSEE dans l'annuaire des organisations.",
        epilog="Base : MONGODB_URL et IDENTITY_DATABASE (par défaut « identity »).",
    )
    parser.add_argument(
        "--unites-legales", type=Path, required=True, metavar="PATH", help="StockUniteLegale (.csv ou .zip)"
    )
    parser.add_argument(
        "--etablissements", type=Path, required=True, metavar="PATH", help="StockEtablissement (.csv ou .zip)"
    )
    parser.add_argument(
        "--batch-size", type=int, default=BATCH_SIZE, help=f"lignes par écriture groupée ({BATCH_SIZE})"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.batch_size < 1:
        parser.error("--batch-size doit être au moins 1")
    # Fail before touching the database when a file cannot even be opened.
    for path in (args.unites_legales, args.etablissements):
        if not path.is_file():
            parser.error(f"fichier introuvable : {path}")
    settings = ImportSettings()
    configure_logging("identity", settings.log_level, settings.log_format)
    try:
        report = asyncio.run(import_files(settings, args.unites_legales, args.etablissements, args.batch_size))
    except (OSError, UnicodeDecodeError, zipfile.BadZipFile, StockFormatError) as error:
        # Rows already written stay: they are valid, and the next run upserts them again harmlessly.
        print(f"import_sirene: fichier illisible : {error}", file=sys.stderr)
        return USAGE_ERROR
    except PyMongoError as error:
        print(f"import_sirene: base de données injoignable ou en erreur : {error}", file=sys.stderr)
        return DATABASE_ERROR
    print(json.dumps(asdict(report), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
