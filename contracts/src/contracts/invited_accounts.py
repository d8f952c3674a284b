"""Identity service: the account an invitation prepares for a person who has none (guide §5.2)."""

from typing import ClassVar, Literal

from pydantic import Field

from contracts.accounts import AccountProfileV1
from contracts.rpc import Request


class InvitedAccountV1(AccountProfileV1):
    """The profile, and whether its owner can log in yet (False: complete it by password reset)."""

    password_set: bool


class CreateInvitedAccountV1(Request[InvitedAccountV1]):
    """Asked by the habilitation service only. Idempotent: an address with an account gets that account.

    The identity fields are required only when the account is created.
    """

    MESSAGE_TYPE: ClassVar[str] = "identity.create_invited_account.v1"
    kind: Literal["identity.create_invited_account.v1"] = "identity.create_invited_account.v1"
    email: str = Field(max_length=254)
    civility: str | None = None
    last_name: str | None = None
    first_name: str | None = None
    job_title: str | None = None
    siren: str
