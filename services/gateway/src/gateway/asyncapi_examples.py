"""Examples for the AsyncAPI document: a valid instance of a contract, made from its fields' types and names."""

import types
import typing
import uuid
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError

EXAMPLE_TIME = datetime(2025, 1, 15, 9, 30, tzinfo=UTC)
EXAMPLE_TEXT = {
    "siret": "00001011600010",
    "siren": "000010116",
    "email": "jean.dupont@centre-formation.fr",
    "new_email": "jean.dupont@formation-plus.fr",
    "code": "123456",
    "activation_code": "ABCD-EFGH-JKLM",
    "service": "ceres",
    "role": "centre_agree",
    "password": "Un-mot-de-passe-2025",
}


def example_of(model: type[BaseModel]) -> dict[str, Any] | None:
    """A valid instance of `model` as JSON, made from its fields' types and names; None if none is found."""
    values = {
        name: _sample(field.annotation, name) for name, field in model.model_fields.items() if field.is_required()
    }
    try:
        return model.model_validate(values).model_dump(mode="json")
    except ValidationError:
        return None


def _sample(annotation: Any, name: str) -> Any:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return args[0]
    if origin in (typing.Union, types.UnionType):
        return _sample(next(a for a in args if a is not type(None)), name)
    if origin in (list, tuple, set, frozenset):
        return [_sample(args[0], name)] if args else []
    if origin is dict:
        return {}
    if origin is typing.Annotated:
        return _sample(args[0], name)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {n: _sample(f.annotation, n) for n, f in annotation.model_fields.items() if f.is_required()}
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return next(iter(annotation)).value
    if annotation is bool:
        return True
    if annotation in (int, float):
        return 1
    if annotation is datetime:
        return EXAMPLE_TIME.isoformat()
    if annotation is date:
        return EXAMPLE_TIME.date().isoformat()
    return _text(name)


def _text(name: str) -> str:
    if name in EXAMPLE_TEXT:
        return EXAMPLE_TEXT[name]
    if name == "id" or name.endswith("_id") or name.endswith("_by"):
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"efp-connect/{name}"))
    return name.replace("_", " ").capitalize()
