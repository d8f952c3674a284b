"""Load drivers for the HTTP benchmarks: a bare HTTP/1.1 keep-alive client, paced (open loop) and flat out.

The client writes a request line and reads a Content-Length body on asyncio streams, nothing more:
on a two-core machine a full HTTP client would take the CPU the system under test needs.
"""

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode


@dataclass
class Check:
    key: tuple[str, str, str, str]
    allowed: bool
    api_key: str


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    wrong: int = 0
    elapsed: float = 0.0
    late: int = 0  # open loop: checks that left more than 5 ms after their scheduled time


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def get(self, path: str, headers: str) -> tuple[int, bytes]:
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n{headers}\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        return status, await self.reader.readexactly(length)


class Pool:
    def __init__(self, port: int) -> None:
        self._port = port
        self._idle: list[Connection] = []

    async def get(self, path: str, headers: str) -> tuple[int, bytes]:
        connection = self._idle.pop() if self._idle else await self._open()
        try:
            result = await connection.get(path, headers)
        except BaseException:
            connection.writer.close()
            raise
        self._idle.append(connection)
        return result

    async def _open(self) -> Connection:
        return Connection(*await asyncio.open_connection("127.0.0.1", self._port))

    def close(self) -> None:
        for connection in self._idle:
            connection.writer.close()


async def one(pool: Pool, check: Check, started: float, run: Run) -> None:
    """One authorization check; its latency counts from `started`, its answer is verified."""
    account_id, service, role, siret = check.key
    query = urlencode({"account_id": account_id, "service": service, "role": role, "siret": siret})
    try:
        status, body = await pool.get(
            f"/api/v1/authorizations/check?{query}", f"Authorization: Bearer {check.api_key}\r\n"
        )
    except (OSError, asyncio.IncompleteReadError):
        run.failures += 1
        return
    run.latencies.append(time.perf_counter() - started)
    if status != 200:
        run.failures += 1
    elif json.loads(body)["allowed"] is not check.allowed:
        run.wrong += 1


async def paced(port: int, checks: list[Check], rate: float, seconds: float) -> Run:
    run, pool, tasks = Run(), Pool(port), []
    begin = time.perf_counter()
    for index in range(int(rate * seconds)):
        scheduled = begin + index / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        run.late += time.perf_counter() - scheduled > 0.005
        tasks.append(asyncio.create_task(one(pool, checks[index % len(checks)], scheduled, run)))
    await asyncio.gather(*tasks)
    run.elapsed = time.perf_counter() - begin
    pool.close()
    return run


async def flat_out(port: int, checks: list[Check], concurrency: int, seconds: float) -> Run:
    run, pool = Run(), Pool(port)
    counter = iter(range(sys.maxsize))
    begin = time.perf_counter()
    deadline = begin + seconds

    async def worker() -> None:
        for index in counter:
            if time.perf_counter() > deadline:
                return
            await one(pool, checks[index % len(checks)], time.perf_counter(), run)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    run.elapsed = time.perf_counter() - begin
    pool.close()
    return run


# --- the bench ------------------------------------------------------------------------------
