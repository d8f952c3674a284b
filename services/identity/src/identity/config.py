"""Identity settings, read from the environment once, in create_app()."""

from pydantic import AliasChoices, Field, SecretStr, model_validator

from efp_runtime.settings import RuntimeSettings


class IdentitySettings(RuntimeSettings):
    database: str = Field("identity", validation_alias=AliasChoices("IDENTITY_DATABASE"))
    # Key of the HMAC that stores codes and captcha answers (>= 32 bytes); from the environment.
    secret_key: SecretStr = Field(validation_alias=AliasChoices("IDENTITY_SECRET_KEY"))
    # Test harnesses only: every captcha also accepts this answer. Refused in production.
    captcha_test_answer: str | None = Field(None, validation_alias=AliasChoices("EFP_CAPTCHA_TEST_ANSWER"))

    @model_validator(mode="after")
    def _no_test_hooks_in_production(self) -> "IdentitySettings":
        # Even an empty value: production configuration must not mention the hook at all.
        if self.environment == "production" and self.captcha_test_answer is not None:
            raise ValueError("EFP_CAPTCHA_TEST_ANSWER must not be set when EFP_ENVIRONMENT=production")
        return self
