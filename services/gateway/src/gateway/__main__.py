"""`python -m gateway` runs the HTTP gateway."""

from gateway.main import run

run()
