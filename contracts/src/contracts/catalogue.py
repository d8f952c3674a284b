"""Every request type a service answers, found in the contracts themselves: no list to keep by hand.

A request belongs to the service its `kind` starts with (`habilitation.get_roles.v1`); every service
answers `ping.v1`. The services route by type (efp_runtime.service derives what it parses from its
routes), so their tests compare the routes with this catalogue instead of with a copied union.
"""

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import contracts
from contracts.rpc import PingV1, Request


def requests_of(service: str) -> frozenset[type[Request[Any]]]:
    """The concrete request classes whose kind names `service`, and the readiness ping."""
    for module in pkgutil.iter_modules(contracts.__path__):
        importlib.import_module(f"{contracts.__name__}.{module.name}")
    concrete = (c for c in _subclasses(Request) if "MESSAGE_TYPE" in c.__dict__)
    return frozenset(c for c in concrete if c is PingV1 or c.MESSAGE_TYPE.split(".")[0] == service)


def _subclasses(cls: type[Request[Any]]) -> Iterator[type[Request[Any]]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)
