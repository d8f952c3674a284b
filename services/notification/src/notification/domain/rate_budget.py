"""Rate budgets against mail floods: which counters an e-mail draws on, from what it is and who asked."""

from dataclasses import dataclass
from enum import StrEnum

from notification.domain.catalogue import FAMILIES, budget_family


class Scope(StrEnum):
    RECIPIENT = "recipient"  # e-mails to one address
    REQUESTER = "requester"  # e-mails asked for by one requester (client address, account), any address


@dataclass(frozen=True)
class Budget:
    """One counter: e-mails of one family (sign-up, reset, other) to one address, or from one requester."""

    scope: Scope
    family: str
    who: str

    @property
    def key(self) -> str:
        return f"{self.scope.value}:{self.family}:{self.who.lower()}"


def budgets_of(to: str, template: str, requester: str | None) -> tuple[Budget, ...]:
    """The budgets an e-mail must fit in, the recipient's first; none for a security notice."""
    family = budget_family(template)
    if family is None:
        return ()
    recipient = Budget(Scope.RECIPIENT, family, to)
    # Older producers name no requester: only the recipient's budget applies then.
    return (recipient, Budget(Scope.REQUESTER, family, requester)) if requester else (recipient,)


def budgets_to(address: str) -> tuple[Budget, ...]:
    """Every budget of an address, one per family (forgotten with the account it belonged to)."""
    return tuple(Budget(Scope.RECIPIENT, family, address) for family in FAMILIES)
