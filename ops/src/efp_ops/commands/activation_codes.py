"""`efp-ops activation-codes`: issue (with the postal letter), revoke, list — asked of the running habilitation
service over RPC, as the gateway asks it: the requests exist, the service keeps the codes' HMAC key to itself,
and its events leave at once. The operator acts as a named agent, whose account id identity gives."""

import argparse
import base64
import os
from pathlib import Path
from typing import Any

from contracts.activation import (
    GetActivationLetterV1,
    IssueActivationCodeV1,
    ListActivationCodesV1,
    RevokeActivationCodeV1,
)
from contracts.habilitation import ActorV1
from efp_ops.rpc import habilitation_rpc, rpc_refusal
from efp_ops.verbs import Outcome, noun, refused, verb
from efp_runtime.rpc import RpcRefused
from identity.entrypoints import operator as identity

AGENT_VARIABLE = "EFP_OPERATOR_AGENT_EMAIL"
ISSUE_EPILOG = """Any code still issued for the same service and SIRET is revoked. The new code is printed
once (as the API's reply shows it once); --letter writes the postal letter (PDF, readable by you only),
which can be fetched only once and only now."""


def register(nouns: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    verbs = noun(nouns, "activation-codes", "activation codes of an establishment, posted to become access manager")
    issue = verb(verbs, "issue", "issue a code for a SIRET, and write its postal letter", _issue, ISSUE_EPILOG)
    issue.add_argument("--siret", required=True, help="the establishment's SIRET (14 digits)")
    issue.add_argument("--service", default="ceres", help="the digital service (default ceres)")
    issue.add_argument("--letter", type=Path, metavar="PDF", help="write the letter to this file")
    _agent(issue)

    revoke = verb(verbs, "revoke", "revoke a code still issued (wrong address, agrément withdrawn)", _revoke)
    revoke.add_argument("code_id", metavar="CODE_ID", help="the code's id (not the code)")
    revoke.add_argument("--reason", default=None, help="why, kept with the code")
    _agent(revoke)

    listing = verb(verbs, "list", "the codes of a SIRET: states and who did what, never the codes", _list)
    listing.add_argument("--siret", required=True, help="the establishment's SIRET (14 digits)")
    _agent(listing)


def _agent(parser: argparse.ArgumentParser) -> None:
    default = os.environ.get(AGENT_VARIABLE)
    parser.add_argument(
        "--agent",
        default=default,
        required=default is None,
        metavar="EMAIL",
        help=f"the agent acting (an agent account's address; default ${AGENT_VARIABLE})",
    )


async def _actor(email: str) -> ActorV1 | None:
    account_id = await identity.find_agent(email)
    return None if account_id is None else ActorV1(account_id=account_id, kind="agent")


async def _issue(args: argparse.Namespace) -> Outcome:
    actor = await _actor(args.agent)
    if actor is None:
        return refused("unknown_agent", agent=args.agent)
    async with habilitation_rpc() as call:
        try:
            issued = await call(IssueActivationCodeV1(actor=actor, service=args.service, siret=args.siret))
            line: dict[str, Any] = issued.model_dump(mode="json")
            if args.letter is not None:
                request = GetActivationLetterV1(actor=actor, activation_code_id=issued.id)
                letter = await call(request)
                _write_private(args.letter, base64.b64decode(letter.content_base64))
                line["letter"] = str(args.letter)
        except RpcRefused as refusal:
            return rpc_refusal(refusal)
    return Outcome([line])


async def _revoke(args: argparse.Namespace) -> Outcome:
    actor = await _actor(args.agent)
    if actor is None:
        return refused("unknown_agent", agent=args.agent)
    request = RevokeActivationCodeV1(actor=actor, activation_code_id=args.code_id, reason=args.reason)
    async with habilitation_rpc() as call:
        try:
            code = await call(request)
        except RpcRefused as refusal:
            return rpc_refusal(refusal, id=args.code_id)
    return Outcome([code.model_dump(mode="json")])


async def _list(args: argparse.Namespace) -> Outcome:
    actor = await _actor(args.agent)
    if actor is None:
        return refused("unknown_agent", agent=args.agent)
    async with habilitation_rpc() as call:
        try:
            found = await call(ListActivationCodesV1(actor=actor, siret=args.siret))
        except RpcRefused as refusal:
            return rpc_refusal(refusal)
    return Outcome([code.model_dump(mode="json") for code in found.activation_codes])


def _write_private(path: Path, content: bytes) -> None:
    """The letter holds the code in clear: only its owner may read the file."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        os.fchmod(file.fileno(), 0o600)  # an existing file keeps its mode through O_CREAT
        file.write(content)
