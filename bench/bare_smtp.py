"""The e-mail bench's other side: a bare aiosmtplib loop, no service, no broker, no store.

Sends `--count` copies of one message (the raw bytes of an e-mail the notification service sent, so
the same size and headers) to the SMTP server over `--connections` persistent connections, one
sending loop each, as the service's pool does; each to its own address. Run as its own process, as
the service is, and prints the seconds from the first send to the last acceptance.

    .venv/bin/python bench/bare_smtp.py --port 2525 --message mail.eml --count 3000 [--connections 8]
"""

import argparse
import asyncio
import time
from pathlib import Path

import aiosmtplib

SENDER = "no-reply@emploi.gouv.fr"


async def send_all(port: int, message: bytes, count: int, connections: int) -> float:
    counter = iter(range(count))

    async def loop() -> None:
        smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=30)
        await smtp.connect()
        for index in counter:
            await smtp.sendmail(SENDER, [f"bare.{index}@centre-formation.fr"], message)
        await smtp.quit()

    started = time.perf_counter()
    await asyncio.gather(*(loop() for _ in range(connections)))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--message", type=Path, required=True, help="the raw message to send")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    print(asyncio.run(send_all(args.port, args.message.read_bytes(), args.count, args.connections)))


if __name__ == "__main__":
    main()
