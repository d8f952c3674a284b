"""Load SIRENE stock rows into the organisations directory, in bounded batches of idempotent upserts."""

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from identity.domain.organisation import Establishment, Organisation
from identity.use_cases.directory_ports import OrganisationDirectory, RejectedRow

logger = logging.getLogger(__name__)

BATCH_SIZE = 1_000
# A broken file could reject every one of its million rows: name the first few, count the rest.
REJECTIONS_LOGGED = 20
PROGRESS_EVERY = 100_000

Row = TypeVar("Row", Organisation, Establishment)


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
    def __init__(self, directory: OrganisationDirectory, batch_size: int = BATCH_SIZE) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._directory = directory
        self._batch_size = batch_size

    async def __call__(
        self,
        unites_legales: Iterable[Organisation | RejectedRow],
        etablissements: Iterable[Establishment | RejectedRow],
    ) -> ImportReport:
        # Organisations first: an organisation is offered once an open establishment is seen, and
        # that is recorded on the organisation's document, which must exist by then.
        organisations = await self._stream("unités légales", unites_legales, self._directory.upsert_organisations)
        establishments = await self._stream("établissements", etablissements, self._write_establishments)
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
            if len(batch) >= self._batch_size:
                changed += await write(batch)
                written += len(batch)
                # A new list, not clear(): the directory may still hold the one it was given.
                batch = []
        if batch:
            changed += await write(batch)
            written += len(batch)
        logger.info("%s: %d read, %d written (%d changed), %d skipped", kind, read, written, changed, skipped)
        return ImportCounts(read=read, written=written, changed=changed, skipped_invalid=skipped)
