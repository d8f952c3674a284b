"""`python -m identity` runs the service."""

from identity.main import run

run()
