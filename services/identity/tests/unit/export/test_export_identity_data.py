"""« Télécharger mes données », identity's part: profile, dates, every session, second factor, applications."""

from datetime import timedelta

import pytest

from contracts.privacy import ExportIdentityDataV1, IdentityDataV1
from contracts.second_factor import SecondFactorStatusV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import Unauthenticated
from identity.domain.session import AMR_MULTIPLE, AMR_OTP, AMR_PASSWORD, Session, session_id_of
from identity.fakes import T0, Fakes
from identity.use_cases.oidc.manage_clients import NewOidcClient

CONTEXT = MessageContext(message_id="m-15", correlation_id="corr-15")
TOKEN = "token-of-the-browser"
NOW = T0 + timedelta(days=40)


class Exporting(Fakes):
    def __init__(self) -> None:
        super().__init__()
        self.identity = self.use_cases()

    async def export(self, token: str = TOKEN) -> IdentityDataV1:
        return await self.identity.my_data.export_identity_data(ExportIdentityDataV1(session_token=token), CONTEXT)


@pytest.fixture
async def service() -> Exporting:
    service = Exporting()
    await service.account(registration_id="r-1", job_title="Directrice", phone="0102030405")
    ceres, _ = await service.identity.oidc.clients.register(
        NewOidcClient(name="CERES", service="ceres", redirect_uris=["https://ceres.example.fr/cb"])
    )
    old = Session("s-old", "a-1", "csrf", T0 + timedelta(days=1), T0 + timedelta(days=1), ip="198.51.100.7")
    await service.sessions.add(old, [])
    await service.sessions.revoke("s-old", T0 + timedelta(days=1, hours=2))
    await service.sessions.signed_in("s-old", ceres.id)
    await service.sessions.signed_in("s-old", "client-since-removed")
    await service.sessions.add(Session("s-other", "a-2", "csrf", NOW, NOW, ip="203.0.113.9"), [])
    service.clock.now = NOW
    current = Session(
        session_id_of(TOKEN), "a-1", "csrf", NOW, NOW, ip="192.0.2.1",
        amr=[AMR_PASSWORD, AMR_OTP, AMR_MULTIPLE], second_factor_at=NOW,
    )  # fmt: skip
    await service.sessions.add(current, [])
    await service.sessions.signed_in(current.id, ceres.id)
    return service


async def test_the_profile_and_its_dates(service: Exporting) -> None:
    data = await service.export()

    assert data.account.account_id == "a-1"
    assert (data.account.email, data.account.job_title, data.account.phone) == (
        "ada@example.fr",
        "Directrice",
        "0102030405",
    )
    assert data.created_at == T0
    # Sign-up's last step accepts the CGU as it opens the account.
    assert data.terms_accepted_at == T0
    assert data.last_login_at is None


async def test_every_session_of_the_account_newest_first_and_only_its_own(service: Exporting) -> None:
    data = await service.export()

    current, old = data.sessions
    assert (current.started_at, current.expires_at, current.ended_at) == (NOW, NOW + timedelta(hours=12), None)
    assert (current.client_ip, current.amr, current.current) == ("192.0.2.1", ["pwd", "otp", "mfa"], True)
    assert (old.started_at, old.ended_at, old.client_ip, old.amr, old.current) == (
        T0 + timedelta(days=1),
        T0 + timedelta(days=1, hours=2),
        "198.51.100.7",
        ["pwd"],
        False,
    )
    assert "203.0.113.9" not in data.model_dump_json()


async def test_no_secret_of_a_session_or_a_factor_is_exported(service: Exporting) -> None:
    body = (await service.export()).model_dump_json()

    assert TOKEN not in body
    assert session_id_of(TOKEN) not in body
    assert "csrf" not in body
    assert "hashed2" not in body


async def test_the_second_factor_as_mon_compte_shows_it(service: Exporting) -> None:
    data = await service.export()

    assert data.second_factor == SecondFactorStatusV1(totp=False, passkeys=[], recovery_codes_left=0, enrolled=False)


async def test_the_applications_signed_in_to_by_name_each_once(service: Exporting) -> None:
    data = await service.export()

    # A client since removed is named by its id (all identity still knows of it).
    assert data.applications == ["CERES", "client-since-removed"]


async def test_an_account_not_opened_by_a_sign_up_has_no_terms_date() -> None:
    service = Exporting()
    await service.account()
    await service.sessions.add(Session(session_id_of(TOKEN), "a-1", "csrf", T0, T0), [])

    data = await service.export()

    assert data.terms_accepted_at is None
    assert data.applications == []
    [session] = data.sessions
    assert session.current


async def test_without_an_active_session_nothing_is_exported(service: Exporting) -> None:
    with pytest.raises(Unauthenticated):
        await service.export("not-a-session")


async def test_the_last_login_is_read_when_the_account_keeps_it(service: Exporting) -> None:
    # The inactivity rules add `last_login_at` to the account; the export reads it when it is there.
    vars(service.accounts.accounts["a-1"])["last_login_at"] = NOW

    data = await service.export()

    assert data.last_login_at == NOW
