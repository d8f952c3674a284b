"""`python -m efp_ops`: the same as the `efp-ops` script."""

from efp_ops.cli import run

run()
