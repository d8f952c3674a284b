"""Absolute links of the frontend pages e-mails point to."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Links:
    frontend_url: str

    def access_request(self, request_id: str) -> str:
        return f"{self.frontend_url}/gestion-des-acces/demandes/{request_id}"

    def charter(self, activation_id: str) -> str:
        """The charter to accept, for an access manager appointed by a colleague."""
        return f"{self.frontend_url}/acces/activation/{activation_id}/charte"

    def my_habilitations(self) -> str:
        return f"{self.frontend_url}/mes-habilitations"

    def my_requests(self) -> str:
        return f"{self.frontend_url}/mes-demandes"

    def user(self, account_id: str) -> str:
        """A person's page in « Gérer les accès de mon entreprise »."""
        return f"{self.frontend_url}/gestion-des-acces/utilisateurs/{account_id}"
