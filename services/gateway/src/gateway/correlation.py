"""The request's correlation id: the caller's `X-Correlation-ID` if short and plain, else a new one; set for
the logs and the RPC envelopes of the request (`correlation_id_var`, by gateway/edge.py) and echoed on the answer.
"""

import uuid

CORRELATION_HEADER = "X-Correlation-ID"


def correlation_id_of(given: str) -> str:
    """A caller's id is kept only if it is short and plain, so logs cannot be forged through it."""
    return given if 0 < len(given) <= 64 and given.replace("-", "").isalnum() else str(uuid.uuid4())
