"""The invitation routes: every invitation request reaches its use case with its fields (and the context)."""

from types import SimpleNamespace
from typing import Any, get_args

import pytest
from pydantic import BaseModel

from contracts import invitations as inv
from contracts.habilitation_management import DoneV1
from contracts.rpc import Request
from habilitation.entrypoints.invitation_routes import invitation_routes
from services.habilitation.tests.unit.core_fakes import CONTEXT, SIREN, SIRET, actor

MEMBERS: tuple[type[Request], ...] = get_args(inv.InvitationRequest)
SAMPLES: dict[type[Request], tuple[Request, str, tuple[Any, ...]]] = {
    inv.InviteUserV1: (
        inv.InviteUserV1(
            actor=actor("m"),
            siren=SIREN,
            email="a@b.fr",
            civility="madame",
            last_name="Martin",
            first_name="Jeanne",
            job_title="RH",
            habilitations=[{"role": "centre_agree", "siret": SIRET}],
        ),
        "invite_user",
        (SIREN, "a@b.fr", "madame", "Martin", "Jeanne", "RH"),
    ),
    inv.ListInvitationsV1: (
        inv.ListInvitationsV1(actor=actor("m"), siren=SIREN, status="expired"),
        "list_invitations",
        (SIREN, "expired"),
    ),
    inv.ResendInvitationV1: (
        inv.ResendInvitationV1(actor=actor("m"), invitation_id="i-1"),
        "resend_invitation",
        ("i-1",),
    ),
    inv.RevokeInvitationV1: (
        inv.RevokeInvitationV1(actor=actor("m"), invitation_id="i-1"),
        "revoke_invitation",
        ("i-1",),
    ),
    inv.AcceptInvitationV1: (inv.AcceptInvitationV1(actor=actor("m"), token="i-1.s"), "accept_invitation", ("i-1.s",)),
}


def container() -> Any:
    calls: list[tuple[str, tuple[Any, ...]]] = []

    def use_case(name: str) -> Any:
        async def call(*args: Any) -> BaseModel:
            calls.append((name, args))
            return DoneV1()

        return call

    names = {name for _, name, _ in SAMPLES.values()}
    return SimpleNamespace(calls=calls, **{name: use_case(name) for name in names})


def test_every_invitation_request_has_exactly_one_route() -> None:
    assert set(invitation_routes(container())) == set(MEMBERS) == set(SAMPLES)


def test_only_the_accept_request_carries_a_secret() -> None:
    assert [m for m in MEMBERS if m.CARRIES_SECRET] == [inv.AcceptInvitationV1]


@pytest.mark.parametrize("request_type", list(SAMPLES), ids=lambda m: m.__name__)
async def test_each_request_reaches_its_use_case_with_its_fields(request_type: type[Request]) -> None:
    x = container()
    request, expected, fields = SAMPLES[request_type]

    assert await invitation_routes(x)[request_type](request, CONTEXT) == DoneV1()

    [(name, args)] = x.calls
    assert name == expected
    assert args[0] == actor("m")
    assert all(field in args for field in fields)
    # Use cases that send messages get the context; the list sends none.
    assert (args[-1] == CONTEXT) is (expected != "list_invitations")
    if request_type is inv.InviteUserV1:
        assert args[-2] == list(request.habilitations)  # type: ignore[attr-defined]
