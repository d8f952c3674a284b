"""« Télécharger mes données », identity's part: the profile, the sessions, the second factor and the
applications signed in to, as identity keeps them (the gateway joins habilitation's and notification's).

No secret leaves: the second factor is its status (as « Mon compte » shows it), a session is its
dates, address and methods, never its token or CSRF token.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from contracts.privacy import ExportedSessionV1, ExportIdentityDataV1, IdentityDataV1
from efp_runtime.message_context import MessageContext
from identity.domain.account import Account
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.accounts.views import profile_of
from identity.use_cases.export.ports import SessionHistory, SessionRecord
from identity.use_cases.oidc.ports import OidcClientRepository
from identity.use_cases.second_factor.guards import account_of, active_session
from identity.use_cases.second_factor.ports import SecondFactorRepository
from identity.use_cases.second_factor.views import status_of
from identity.use_cases.sessions.ports import SessionRepository

logger = logging.getLogger(__name__)


class ExportIdentityData:
    def __init__(
        self,
        accounts: AccountRepository,
        sessions: SessionRepository,
        history: SessionHistory,
        factors: SecondFactorRepository,
        clients: OidcClientRepository,
        clock: Callable[[], datetime],
    ) -> None:
        self._accounts = accounts
        self._sessions = sessions
        self._history = history
        self._factors = factors
        self._clients = clients
        self._clock = clock

    async def __call__(self, request: ExportIdentityDataV1, context: MessageContext) -> IdentityDataV1:
        session = await active_session(self._sessions, request.session_token, self._clock())
        account = await account_of(self._accounts, session)
        records = await self._history.of_account(account.id)
        data = IdentityDataV1(
            account=profile_of(account),
            created_at=account.created_at,
            # Kept by the inactivity rules (absent on an account that has not logged in since).
            last_login_at=getattr(account, "last_login_at", None),
            terms_accepted_at=terms_accepted_at(account),
            sessions=[exported(r, current=r.session.id == session.id) for r in records],
            second_factor=status_of(await self._factors.get(account.id)),
            applications=await self._names({c for r in records for c in r.client_ids}),
        )
        logger.info("account %s: identity data exported (%d session(s))", account.id, len(records))
        return data

    async def _names(self, client_ids: set[str]) -> list[str]:
        names = set()
        for client_id in client_ids:
            client = await self._clients.get(client_id)
            names.add(client.name if client is not None else client_id)
        return sorted(names)


def terms_accepted_at(account: Account) -> datetime | None:
    """Sign-up's last step accepts the CGU and opens the account at once: an account opened by a
    registration accepted them at its creation. Agents' and invited accounts' are not recorded."""
    return account.created_at if account.registration_id is not None else None


def exported(record: SessionRecord, current: bool) -> ExportedSessionV1:
    session = record.session
    return ExportedSessionV1(
        started_at=session.created_at,
        expires_at=session.expires_at,
        ended_at=session.revoked_at,
        client_ip=session.ip,
        amr=list(session.amr),
        current=current,
    )
