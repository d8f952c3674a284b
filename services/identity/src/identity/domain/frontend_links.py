"""The frontend pages identity's e-mails link to: the guide's buttons under the codes, « Se connecter »."""

from dataclasses import dataclass
from urllib.parse import quote


def _part(value: str) -> str:
    return quote(value, safe="")


@dataclass(frozen=True)
class FrontendLinks:
    """Absolute links built on `EFP_FRONTEND_URL`. Links with a code are secrets: e-mail only."""

    frontend_url: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "frontend_url", self.frontend_url.rstrip("/"))

    def registration_code(self, registration_id: str, code: str) -> str:
        """« Valider mon adresse e-mail »: sign-up step 2 with the code filled in."""
        return f"{self.frontend_url}/inscription/{_part(registration_id)}/code?code={_part(code)}"

    def login(self) -> str:
        return f"{self.frontend_url}/connexion"

    def password_reset_code(self, reset_id: str, code: str) -> str:
        """« Réinitialiser mon mot de passe »: the reset's code step with the code filled in."""
        return f"{self.frontend_url}/mot-de-passe-oublie/{_part(reset_id)}/code?code={_part(code)}"
