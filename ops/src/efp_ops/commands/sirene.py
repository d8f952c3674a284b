"""`efp-ops sirene import`: INSEE's stock files into the identity service's organisations directory."""

import argparse
import logging
import zipfile
from pathlib import Path

from efp_ops.verbs import Outcome, invalid, noun, verb
from identity.entrypoints import operator as identity

logger = logging.getLogger(__name__)
EPILOG = """Both files are CSV (UTF-8, with or without BOM) or the .zip INSEE publishes. They are streamed
in batches of upserts: memory stays flat whatever their size, and importing the same files again changes
nothing. Prints the counts (read, written, changed, skipped_invalid) of each file."""


def register(nouns: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    verbs = noun(nouns, "sirene", "the organisations directory, from INSEE's SIRENE stock files")
    load = verb(verbs, "import", "import StockUniteLegale and StockEtablissement", _import, EPILOG)
    load.add_argument("--unites-legales", type=Path, required=True, metavar="PATH", help="StockUniteLegale (.csv/.zip)")
    load.add_argument(
        "--etablissements", type=Path, required=True, metavar="PATH", help="StockEtablissement (.csv/.zip)"
    )
    load.add_argument("--batch-size", type=int, default=identity.BATCH_SIZE, help="rows per bulk write")


async def _import(args: argparse.Namespace) -> Outcome:
    for path in (args.unites_legales, args.etablissements):
        if not path.is_file():
            return invalid("file_not_found", path=str(path))
    if args.batch_size < 1:
        return invalid("invalid_batch_size", batch_size=args.batch_size)
    try:
        counts = await identity.import_sirene(args.unites_legales, args.etablissements, args.batch_size)
    except (OSError, UnicodeDecodeError, zipfile.BadZipFile, identity.StockFormatError) as error:
        # Rows already written stay: they are valid, and the next run upserts them again harmlessly.
        logger.warning("unreadable file: %s", error)
        return invalid("unreadable_file", detail=type(error).__name__)
    return Outcome([counts])
