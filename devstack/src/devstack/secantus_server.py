"""Runs SecantusDB (MongoDB wire protocol) as its own process.

Started through its Python API because its command-line launcher ignores the TTL sweep
interval, and TTL indexes (captchas, processed messages) must actually expire documents.
"""

import argparse
import signal
import threading

from secantus.server import SecantusDBServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--storage-path", required=True)
    parser.add_argument("--ttl-sweep-seconds", type=float, default=1.0)
    args = parser.parse_args()
    server = SecantusDBServer(args.host, args.port, args.storage_path, ttl_sweep_seconds=args.ttl_sweep_seconds)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    server.start()
    stop.wait()
    server.stop()


if __name__ == "__main__":
    main()
