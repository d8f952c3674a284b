"""`efp-ops oidc-clients …` and `efp-ops oidc-keys rotate`: the relying parties of the single sign-on, and its keys.

A client's secret is printed once, when it is made (`add`, `rotate-secret`): the identity service keeps
only its keyed hash. Keys never leave the service's database; only their ids are printed.
"""

import argparse
import logging
from collections.abc import Awaitable
from typing import Any

from efp_ops.verbs import Outcome, noun, refused, verb
from habilitation.entrypoints import operator as habilitation
from identity.entrypoints import operator as identity

logger = logging.getLogger(__name__)
ADD_EPILOG = """Prints {client_id, client_secret, …} once; give both to the application's team by a safe channel.

  efp-ops oidc-clients add --name "CERES" --service ceres --redirect-uri https://ceres.travail.gouv.fr/callback \\
      --post-logout-redirect-uri https://ceres.travail.gouv.fr/ \\
      --backchannel-logout-uri https://ceres.travail.gouv.fr/backchannel-logout"""
ROTATE_KEYS_EPILOG = """The key published since the last rotation starts signing; the one that signed stays published
until every token it signed has expired (15 minutes); a new next key is published. Rotate at most every
few minutes, so that relying parties caching the key set (5 minutes) already hold the new signing key."""


def register(nouns: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    clients = noun(nouns, "oidc-clients", "applications that sign people in with EFP Connect (OpenID Connect)")
    add = verb(clients, "add", "register an application; prints its client_id and client_secret once", _add, ADD_EPILOG)
    add.add_argument("--name", required=True, help="the application's name people see (« CERES »)")
    add.add_argument("--service", required=True, help="the catalogue's service whose habilitations it reads (ceres)")
    add.add_argument("--redirect-uri", action="append", required=True, help="exact callback URI (repeatable)")
    add.add_argument("--post-logout-redirect-uri", action="append", default=[], help="after logout (repeatable)")
    add.add_argument("--backchannel-logout-uri", default=None, help="where logout tokens are posted")
    verb(clients, "list", "the registered applications (never their secrets)", _list)
    rotate = verb(clients, "rotate-secret", "a new secret (printed once); the old one stops working", _rotate)
    rotate.add_argument("client_id")
    disable = verb(clients, "disable", "refuse the application from now on (sign-in, tokens, userinfo)", _disable)
    disable.add_argument("client_id")
    keys = noun(nouns, "oidc-keys", "the ID tokens' signing keys")
    verb(keys, "rotate", "sign with the next key from now on; prints the key ids", _rotate_keys, ROTATE_KEYS_EPILOG)


async def _refusable(call: Awaitable[dict[str, Any] | list[dict[str, Any]]]) -> Outcome:
    try:
        line = await call
    except identity.IdentityError as refusal:
        logger.warning("refused (%s): %s", refusal.code, "; ".join(m for _, m in refusal.errors) or refusal.detail)
        return refused(refusal.code, fields=list(dict.fromkeys(name for name, _ in refusal.errors)))
    return Outcome(line if isinstance(line, list) else [line])


async def _add(args: argparse.Namespace) -> Outcome:
    # The service names whose habilitations the application reads: a typo would let nobody in.
    if args.service not in habilitation.service_codes():
        return refused("unknown_service", service=args.service, known=habilitation.service_codes())
    return await _refusable(
        identity.add_oidc_client(
            args.name, args.service, args.redirect_uri, args.post_logout_redirect_uri, args.backchannel_logout_uri
        )
    )


async def _list(args: argparse.Namespace) -> Outcome:
    return await _refusable(identity.list_oidc_clients())


async def _rotate(args: argparse.Namespace) -> Outcome:
    return await _refusable(identity.rotate_oidc_client_secret(args.client_id))


async def _disable(args: argparse.Namespace) -> Outcome:
    return await _refusable(identity.disable_oidc_client(args.client_id))


async def _rotate_keys(args: argparse.Namespace) -> Outcome:
    return await _refusable(identity.rotate_signing_keys())
