"""The authorization bench's other side: a bare FastAPI endpoint answering the same check with the same JSON.

One route, `GET /api/v1/authorizations/check` with the gateway's query parameters and response model,
answering from a dict of the held keys read at start (`--keys`, a JSON list of [account_id, service,
role, siret, habilitation_id]); no middleware, no API key, no broker. Served by uvicorn with the
gateway's settings (gateway/main.py `run`), so that the ratio measures what the gateway adds.

    .venv/bin/python bench/bare_endpoint.py --port 8123 --keys held.json
"""

import argparse
import json
from pathlib import Path
from typing import Annotated

import uvicorn
from fastapi import FastAPI, Query

from contracts.authorizations import AuthorizationV1


def create_app(held: dict[tuple[str, str, str, str], str]) -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/api/v1/authorizations/check", response_model=AuthorizationV1, response_model_exclude_none=True)
    async def check(
        account_id: Annotated[str, Query(min_length=1, max_length=64)],
        service: Annotated[str, Query(min_length=1, max_length=40)],
        role: Annotated[str, Query(min_length=1, max_length=60)],
        siret: Annotated[str, Query(min_length=14, max_length=20)],
    ) -> AuthorizationV1:
        habilitation_id = held.get((account_id, service, role, siret))
        return AuthorizationV1(allowed=habilitation_id is not None, habilitation_id=habilitation_id)

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--keys", type=Path, required=True)
    args = parser.parse_args()
    held = {(a, s, r, t): h for a, s, r, t, h in json.loads(args.keys.read_text())}
    # The gateway's uvicorn settings (gateway/main.py `run`, GatewaySettings' defaults).
    uvicorn.run(
        create_app(held),
        host="127.0.0.1",
        port=args.port,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )


if __name__ == "__main__":
    main()
