"""Secrets masked out: of an e-mail's content before it is stored for the message history, and of a raw
command body before an operator sees it. The one place that says what a secret looks like."""

import json
import re
from typing import Any

from notification.domain.catalogue import MASK

# Field names whose values are secrets whatever the template (codes today, tokens tomorrow).
SECRET_NAME_PARTS = ("code", "token", "password", "secret")
# In a body that is not JSON, a run of 6 or more digits may be a code: hide it too.
DIGIT_RUN = re.compile(r"\d{6,}")
# Links in e-mails carry codes and tokens in their query (`…/code?code=482913`, `…?token=…`).
SECRET_QUERY = re.compile(r"([?&](?:code|token)=)[^&#\s\"]*", re.IGNORECASE)


def masked_content(data: dict[str, Any], secret_fields: tuple[str, ...]) -> dict[str, Any]:
    """An e-mail's template data with the fields its model declares secret masked (codes, links with tokens).

    An optional secret left out (a link older producers do not send) stays out.
    """
    return {**data, **{name: MASK for name in secret_fields if data.get(name) is not None}}


def masked_body(body: bytes) -> str:
    """The body as text, every secret replaced by the mask; safe to print or log."""
    text = body.decode("utf-8", errors="replace")
    try:
        data = json.loads(text)
    except ValueError:
        return DIGIT_RUN.sub(MASK, _masked_query(text))
    return json.dumps(_masked(data), ensure_ascii=False)


def _masked_query(text: str) -> str:
    return SECRET_QUERY.sub(lambda match: match.group(1) + MASK, text)


def _masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: MASK if _is_secret(key) else _masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    if isinstance(value, str):
        return _masked_query(value)
    return value


def _is_secret(key: str) -> bool:
    return any(part in key.lower() for part in SECRET_NAME_PARTS)
