"""Refuse to start when this service's HMAC key is also another service's.

Each service hashes and signs with a key of its own (IDENTITY_SECRET_KEY, HABILITATION_SECRET_KEY): with
one key for both, a value one service signed would pass for one the other signed, and the leak of one
service's key would be the leak of both. A process sees only the keys its environment holds (compose gives
each service its own), so this catches the shared env files of local runs and of deployments that hand
every secret to every process.
"""

from collections.abc import Mapping

from pydantic import BaseModel, SecretStr

from efp_runtime.placeholders import variable_of

SUFFIX = "_SECRET_KEY"


def reused_keys(settings: BaseModel, environ: Mapping[str, str]) -> list[str]:
    """`OWN=OTHER` for each of the settings' `*_SECRET_KEY` whose value another `*_SECRET_KEY` of `environ` has."""
    found = []
    for name in type(settings).model_fields:
        value, own = getattr(settings, name), variable_of(type(settings), name)
        if not own.endswith(SUFFIX) or not isinstance(value, SecretStr):
            continue
        found += [
            f"{own}={other}"
            for other, text in sorted(environ.items())
            if other.endswith(SUFFIX) and other != own and text == value.get_secret_value()
        ]
    return found


def refuse_reused_keys(settings: BaseModel, environ: Mapping[str, str]) -> None:
    found = reused_keys(settings, environ)
    if found:
        raise ValueError(f"one HMAC key for two services ({', '.join(found)}): give each service its own key")
