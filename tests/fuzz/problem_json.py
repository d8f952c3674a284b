"""The error format API.md promises, checked on any response: a problem+json with its five members."""

import json

MEMBERS = ("type", "title", "status", "detail", "code")


def problem_failure(status: int, content_type: str, content: bytes) -> str | None:
    """Why a 4xx answer is not the problem+json of API.md, or None when it is one."""
    media_type = content_type.split(";")[0].strip()
    if media_type != "application/problem+json":
        return f"{status} with media type {media_type!r}"
    try:
        body = json.loads(content)
    except ValueError:
        return f"{status} body is not JSON"
    if not isinstance(body, dict) or any(name not in body for name in MEMBERS):
        return f"{status} problem without all of {MEMBERS}"
    if body["status"] != status:
        return f"problem status {body['status']} on a {status}"
    if not all(isinstance(body[name], str) and body[name] for name in MEMBERS if name != "status"):
        return f"{status} problem with an empty or non-string member"
    return None
