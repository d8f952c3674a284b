"""`python -m ceres_app` (from examples/ceres): serve the example on CERES_PORT."""

import uvicorn

from ceres_app.app import create_app
from ceres_app.config import CeresSettings


def main() -> None:
    settings = CeresSettings.from_env()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")


if __name__ == "__main__":
    main()
