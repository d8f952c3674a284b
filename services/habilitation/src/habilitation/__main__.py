"""`python -m habilitation` runs the service."""

from habilitation.main import run

run()
