"""Speaks a captcha's characters in French as WAV with espeak-ng, run as a subprocess (never a shell)."""

import asyncio
import contextlib
import logging
import secrets
import struct

from identity.domain.captcha import AudioUnavailable

logger = logging.getLogger(__name__)

# Letters spelt as French operators do over a bad line: on their own, vé/dé/pé/té or M/N are
# easy to mishear. Written so espeak-ng says them right (a lone "Y" comes out as "i", and
# "William" switches to an English voice).
SPOKEN = {
    "A": "A comme Anatole",
    "C": "C comme Célestin",
    "D": "D comme Désiré",
    "E": "E comme Eugène",
    "F": "F comme François",
    "G": "G comme Gaston",
    "H": "H comme Henri",
    "J": "J comme Joseph",
    "K": "K comme Kléber",
    "M": "M comme Marcel",
    "N": "N comme Nicolas",
    "P": "P comme Pierre",
    "Q": "Q comme Quintal",
    "R": "R comme Raoul",
    "T": "T comme Thérèse",
    "U": "U comme Ursule",
    "V": "V comme Victor",
    "W": "W comme Wagon",
    "X": "X comme Xavier",
    "Y": "i grec comme Yvonne",
    **{digit: f"chiffre {digit}" for digit in "0123456789"},
}
_RATE_WPM = 125  # espeak-ng's default is 175: slow enough to write down while listening
_WORD_GAP = 8  # extra pause between words, in units of 10 ms


def script(text: str) -> str:
    """What is read out: one short sentence per character, so each is followed by a pause."""
    return " ".join(["Code de sécurité :", *(f"{SPOKEN.get(char, char)}." for char in text)])


class EspeakCaptchaVoice:
    def __init__(self, executable: str = "espeak-ng", timeout_seconds: float = 5.0, max_running: int = 4) -> None:
        self._executable = executable
        self._timeout = timeout_seconds
        # A burst of audio requests must not fork a speech engine per request and starve the RPC loop.
        self._running = asyncio.Semaphore(max_running)

    async def speak(self, text: str) -> bytes:
        command = [
            self._executable,
            *("-v", "fr", "-s", str(_RATE_WPM), "-g", str(_WORD_GAP), "-b", "1"),
            # A slightly different voice each time costs nothing and varies the waveform.
            *("-p", str(40 + secrets.randbelow(21))),
            # Text on stdin, not in argv, where any local user could read the answer with `ps`.
            *("--stdin", "--stdout"),
        ]
        async with self._running:
            wav, errors, status = await self._run(command, script(text).encode())
        if status != 0 or not wav.startswith(b"RIFF"):
            logger.error("espeak-ng exited with %s: %s", status, errors.decode(errors="replace")[:300])
            raise AudioUnavailable()
        return with_exact_sizes(wav)

    async def _run(self, command: list[str], stdin: bytes) -> tuple[bytes, bytes, int | None]:
        try:
            process = await asyncio.create_subprocess_exec(
                *command,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as cannot_start:
            # Logged here because the caller only sees the user-facing refusal.
            logger.error("cannot start %s (%s): captcha audio is unavailable", command[0], cannot_start)
            raise AudioUnavailable() from cannot_start
        try:
            async with asyncio.timeout(self._timeout):
                wav, errors = await process.communicate(stdin)
        except TimeoutError:
            logger.error("espeak-ng took more than %s s: captcha audio is unavailable", self._timeout)
            raise AudioUnavailable() from None
        finally:
            # Timed out or the request was cancelled: leave no speech engine running behind us.
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        return wav, errors, process.returncode


def with_exact_sizes(wav: bytes) -> bytes:
    """espeak-ng writes to a pipe it cannot seek back into, so its header claims ~2 GiB of sound.

    Browsers cope; strict players and Python's `wave` do not. The whole file is here: fix the
    RIFF and data chunk sizes.
    """
    riff = bytearray(wav)
    struct.pack_into("<I", riff, 4, len(riff) - 8)
    offset = 12
    while offset + 8 <= len(riff):
        chunk, size = riff[offset : offset + 4], struct.unpack_from("<I", riff, offset + 4)[0]
        if chunk == b"data":
            struct.pack_into("<I", riff, offset + 4, len(riff) - offset - 8)
            break
        offset += 8 + size + (size & 1)
    return bytes(riff)
