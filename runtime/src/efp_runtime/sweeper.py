"""The sweeper task: every few seconds, each sweep (expiries, reminders…) makes one pass.

Every replica runs it; the sweeps' writes are state-guarded, so two passes at once do each thing once.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

Sweep = Callable[[], Awaitable[int]]
logger = logging.getLogger(__name__)


async def sweep_once(sweeps: Mapping[str, Sweep]) -> dict[str, int]:
    """One pass of each sweep; a failing one is logged and retried next pass, the others still run."""
    done: dict[str, int] = {}
    for name, sweep in sweeps.items():
        try:
            done[name] = await sweep()
        except asyncio.CancelledError:
            raise
        except Exception:
            # The store or the directory is away: nothing was half-done (each write is guarded).
            logger.exception("%s sweep failed; retried at the next pass", name)
    return done


async def run_sweeper(sweeps: Mapping[str, Sweep], every_seconds: float) -> None:
    """Run until cancelled, starting at once: what fell due while the service was down is done first."""
    while True:
        await sweep_once(sweeps)
        await asyncio.sleep(every_seconds)
