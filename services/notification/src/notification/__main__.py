"""`python -m notification` runs the service."""

from notification.main import run

run()
