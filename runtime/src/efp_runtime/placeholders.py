"""Refuse to start in production with a placeholder from .env.example still in a setting.

Every password and key of .env.example reads `change-me-…`: a copied file left unfilled would run
production with publicly known secrets (an HMAC key anyone can read on the repository). Outside
production the placeholders are harmless and local runs may keep them.
"""

from typing import Any

from pydantic import BaseModel, SecretStr

PLACEHOLDER = "change-me"


def _texts(value: Any) -> list[str]:
    if isinstance(value, SecretStr):
        return [value.get_secret_value()]
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple | set | frozenset):
        return [text for item in value for text in _texts(item)]
    return []


def variable_of(model: type[BaseModel], name: str) -> str:
    alias = model.model_fields[name].validation_alias
    choices = getattr(alias, "choices", None)
    return str(choices[0]) if choices else str(alias or name).upper()


def placeholders_in(settings: BaseModel) -> list[str]:
    """The environment variables of `settings` whose value still holds a placeholder."""
    model = type(settings)
    return [
        variable_of(model, name)
        for name in model.model_fields
        if any(PLACEHOLDER in text.lower() for text in _texts(getattr(settings, name)))
    ]


def refuse_placeholders(settings: BaseModel) -> None:
    found = placeholders_in(settings)
    if found:
        raise ValueError(
            f"placeholder values from .env.example ('{PLACEHOLDER}…') in {', '.join(found)}: "
            "set real secrets before starting with EFP_ENVIRONMENT=production"
        )
