"""Load SIRENE stock rows into the organisations directory, in bounded batches of idempotent upserts."""

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from identity.domain.organisation import Establishment, Organisation
from identity.use_cases.organisations.ports import OrganisationDirectory, RejectedRow

logger = logging.getLogger(__name__)

BATCH_SIZE = 1_000
# A broken file could reject every one of its million rows: name the first few, count the rest.
REJECTIONS_LOGGED = 20
PROGRESS_EVERY = 100_000

Row = TypeVar("Row", Organisation, Establishment)


@dataclass(frozen=True)
class SireneStock:
    """An operator's command: INSEE's two stock files, as rows, written `batch_size` at a time."""

    unites_legales: Iterable[Organisation | RejectedRow]
    etablissements: Iterable[Establishment | RejectedRow]
    batch_size: int = BATCH_SIZE

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise ValueError("batch_size must be at least 1")


@dataclass(frozen=True)
class ImportCounts:
    read: int
    # Valid rows upserted; `changed` of them were new or different (0 when a file is imported again).
    written: int
    changed: int
    skipped_invalid: int


@dataclass(frozen=True)
class ImportReport:
    organisations: ImportCounts
    establishments: ImportCounts


class ImportSirene:
    def __init__(self, directory: OrganisationDirectory) -> None:
        self._directory = directory

    async def __call__(self, stock: SireneStock) -> ImportReport:
        # Organisations first: an organisation is offered once an open establishment is seen, and
        # that is recorded on the organisation's document, which must exist by then.
        organisations = await self._stream(
            "unités légales", stock.unites_legales, self._directory.upsert_organisations, stock.batch_size
        )
        establishments = await self._stream(
            "établissements", stock.etablissements, self._write_establishments, stock.batch_size
        )
        return ImportReport(organisations, establishments)

    async def _write_establishments(self, batch: Sequence[Establishment]) -> int:
        changed = await self._directory.upsert_establishments(batch)
        # After the write, from what is stored: an organisation's establishments may span two batches.
        await self._directory.refresh_offered({establishment.siren for establishment in batch})
        return changed

    async def _stream(
        self,
        kind: str,
        rows: Iterable[Row | RejectedRow],
        write: Callable[[Sequence[Row]], Awaitable[int]],
        batch_size: int,
    ) -> ImportCounts:
        read = written = changed = skipped = 0
        batch: list[Row] = []
        for row in rows:
            read += 1
            if read % PROGRESS_EVERY == 0:
                logger.info("%s: %d rows read", kind, read)
            if isinstance(row, RejectedRow):
                skipped += 1
                if skipped <= REJECTIONS_LOGGED:
                    logger.warning("%s: line %d skipped: %s", kind, row.line, row.reason)
                continue
            batch.append(row)
            if len(batch) >= batch_size:
                changed += await write(batch)
                written += len(batch)
                # A new list, not clear(): the directory may still hold the one it was given.
                batch = []
        if batch:
            changed += await write(batch)
            written += len(batch)
        logger.info("%s: %d read, %d written (%d changed), %d skipped", kind, read, written, changed, skipped)
        return ImportCounts(read=read, written=written, changed=changed, skipped_invalid=skipped)
