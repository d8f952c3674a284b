"""Everything identity keeps about a person besides the account, erased at its deletion (idempotent).

Collections and what names the person in them:
- second_factors: the account's document (`_id`) — deleted;
- password_resets: `email`, `account_id` — deleted;
- registrations: `email`, names, password hash — every registration of the address deleted;
- login_failures: `_id` = the address — deleted (those keyed by a trusted device hold only a keyed hash,
  and expire within a day);
- rate_limits: counters whose key holds the address or the account id — deleted (the others, per IP,
  live a minute);
- oidc_codes, oidc_tokens: `account_id` — deleted (a relying party's token then opens nothing);
- sessions: `ip` — removed; the sessions stay until their retention ends (and until the relying parties
  signed in through them are told of the logout).
Captchas, signing keys, OIDC clients and the organisation directory hold nothing about a person.
"""

import re
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from identity.adapters import (
    mongo_login_failure_log,
    mongo_oidc_grant_repository,
    mongo_password_reset_repository,
    mongo_rate_limiter,
    mongo_registration_repository,
    mongo_second_factor_repository,
    mongo_session_repository,
)


class MongoPersonalTraces:
    def __init__(self, database: AsyncDatabase[dict[str, Any]]) -> None:
        self._db = database

    async def erase(self, account_id: str, email: str) -> None:
        db = self._db
        await db[mongo_second_factor_repository.COLLECTION].delete_one({"_id": account_id})
        await db[mongo_oidc_grant_repository.CODES].delete_many({"account_id": account_id})
        await db[mongo_oidc_grant_repository.TOKENS].delete_many({"account_id": account_id})
        await db[mongo_session_repository.COLLECTION].update_many(
            {"account_id": account_id, "ip": {"$ne": None}}, {"$set": {"ip": None}}
        )
        await db[mongo_password_reset_repository.COLLECTION].delete_many({"account_id": account_id})
        # A key names its subject after a colon and ends with `|<window>` (mongo_rate_limiter).
        subjects = [re.escape(account_id)]
        if email:
            subjects.append(re.escape(email))
            await db[mongo_password_reset_repository.COLLECTION].delete_many({"email": email})
            await db[mongo_registration_repository.COLLECTION].delete_many({"email": email})
            await db[mongo_login_failure_log.COLLECTION].delete_one({"_id": email})
        pattern = f":(?:{'|'.join(subjects)})\\|"
        await db[mongo_rate_limiter.COLLECTION].delete_many({"_id": {"$regex": pattern}})
