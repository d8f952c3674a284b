"""The body that sets a new password (sign-up step 3 and reset), checked for the typing mistake first."""

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError


class NewPasswordIn(BaseModel):
    # Passwords are not stripped: a space is a character like any other.
    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=1, max_length=256)
    password_confirmation: str = Field(min_length=1, max_length=256)

    @field_validator("password_confirmation")
    @classmethod
    def _confirmed(cls, value: str, info: ValidationInfo) -> str:
        if "password" in info.data and value != info.data["password"]:
            raise PydanticCustomError("password_mismatch", "the two passwords differ")
        return value
