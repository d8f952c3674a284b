"""The gateway's authorization copy: grants, revocations and expiries in any order, end dates, reloads."""

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from contracts.authorizations import ActiveHabilitationsV1, ActiveHabilitationV1, AuthorizationV1
from contracts.habilitation import HabilitationExpiredV1, HabilitationGrantedV1, HabilitationRevokedV1, HabilitationV1
from contracts.rpc import Request
from gateway.authorization_feed import AuthorizationFeed, apply
from gateway.authorization_model import AuthorizationModel

T0 = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)
TODAY = T0.date()
SIRET, SIRET_2 = "12345678900011", "12345678900029"
KEY = ("holder", "ceres", "centre_agree", SIRET)
MANAGES = ("holder", "ceres", "gestionnaire_centres", SIRET)


def active(habilitation_id: str = "h-1", end_date: date | None = None, **fields: Any) -> ActiveHabilitationV1:
    values: dict[str, Any] = {"account_id": "holder", "service": "ceres", "role": "centre_agree", "siret": SIRET}
    return ActiveHabilitationV1(id=habilitation_id, end_date=end_date, **(values | fields))


def wire(habilitation_id: str = "h-1", end_date: date | None = None, state: str = "active") -> HabilitationV1:
    return HabilitationV1(
        id=habilitation_id,
        account_id="holder",
        service="ceres",
        role="centre_agree",
        role_label="Centre agréé",
        siret=SIRET,
        siren=SIRET[:9],
        end_date=end_date,
        granted_by="manager",
        granted_by_name=None,
        granted_at=T0,
        via="manager",
        state=state,
    )


def allowed(habilitation_id: str, end_date: date | None = None) -> AuthorizationV1:
    return AuthorizationV1(allowed=True, habilitation_id=habilitation_id, end_date=end_date)


REFUSED = AuthorizationV1(allowed=False)


def loaded(*habilitations: ActiveHabilitationV1) -> AuthorizationModel:
    model = AuthorizationModel()
    model.begin_load()
    model.finish_load(habilitations)
    return model


def test_a_granted_habilitation_is_allowed_and_names_itself() -> None:
    model = loaded()
    model.granted(active(end_date=TODAY + timedelta(days=3)))

    assert model.check(KEY, TODAY) == allowed("h-1", TODAY + timedelta(days=3))
    assert model.check(MANAGES, TODAY) == REFUSED
    assert model.check(("someone", "ceres", "centre_agree", SIRET), TODAY) == REFUSED


def test_revoked_or_expired_is_no_longer_allowed() -> None:
    model = loaded(active("h-1"), active("h-2", siret=SIRET_2))

    model.ended("h-1")
    model.ended("h-2")

    assert model.check(KEY, TODAY) == REFUSED
    assert model.check(("holder", "ceres", "centre_agree", SIRET_2), TODAY) == REFUSED
    assert len(model) == 0


def test_the_end_date_itself_is_refused_before_any_sweep() -> None:
    model = loaded(active(end_date=TODAY + timedelta(days=1)))

    assert model.check(KEY, TODAY).allowed
    assert model.check(KEY, TODAY + timedelta(days=1)) == REFUSED
    assert model.check(KEY, TODAY + timedelta(days=30)) == REFUSED


def test_duplicates_change_nothing() -> None:
    model = loaded()
    for _ in range(3):
        model.granted(active())
    assert len(model) == 1
    model.ended("h-1")
    model.ended("h-1")
    model.granted(active())  # a redelivered grant after its revocation

    assert model.check(KEY, TODAY) == REFUSED
    assert len(model) == 0


def test_an_end_arriving_before_its_grant_wins() -> None:
    model = loaded()

    model.ended("h-1")
    model.granted(active())

    assert model.check(KEY, TODAY) == REFUSED


def test_the_longest_lasting_of_several_habilitations_answers() -> None:
    # An old one past its end date but not swept yet, a dated successor, then an open-ended one.
    model = loaded(active("old", end_date=TODAY), active("dated", end_date=TODAY + timedelta(days=10)))
    assert model.check(KEY, TODAY) == allowed("dated", TODAY + timedelta(days=10))

    model.granted(active("open"))
    assert model.check(KEY, TODAY) == allowed("open")

    model.ended("open")
    model.ended("dated")
    assert model.check(KEY, TODAY) == REFUSED


def test_a_load_keeps_the_grants_and_ends_that_arrive_while_it_reads() -> None:
    model = loaded(active("gone-while-offline"))
    model.begin_load()
    model.granted(active("new"))  # committed after the snapshot read its page: only the journal has it
    model.ended("revoked-meanwhile")  # the snapshot read it while it was still active
    # Until the load finishes, the previous copy answers.
    assert model.check(KEY, TODAY).allowed

    size = model.finish_load([active("revoked-meanwhile"), active("kept", role="gestionnaire_centres")])

    assert size == 2
    assert model.check(KEY, TODAY) == allowed("new")
    assert model.check(MANAGES, TODAY) == allowed("kept")
    model.ended("new")
    assert model.check(KEY, TODAY) == REFUSED  # neither "gone-while-offline" nor "revoked-meanwhile"


def test_events_become_grants_and_ends() -> None:
    model = loaded()
    end = TODAY + timedelta(days=5)

    apply(model, HabilitationGrantedV1(habilitation=wire("h-1", end)))
    apply(model, HabilitationGrantedV1(habilitation=wire("h-2")))
    assert model.check(KEY, TODAY) == allowed("h-2")
    apply(model, HabilitationRevokedV1(habilitation=wire("h-2", state="revoked"), revoked_by="manager"))
    assert model.check(KEY, TODAY) == allowed("h-1", end)
    apply(model, HabilitationExpiredV1(habilitation=wire("h-1", end, state="expired")))

    assert model.check(KEY, TODAY) == REFUSED


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class SnapshotRpc:
    """The habilitation service's pages; holds each answer until the test releases it."""

    def __init__(self, pages: list[list[ActiveHabilitationV1]]) -> None:
        self.pages = pages
        self.asked: list[str | None] = []
        self.timeouts: list[float | None] = []
        self.reading = asyncio.Event()
        self.release = asyncio.Event()
        self.release.set()

    async def call(self, service: str, request: Request, *, timeout_seconds: float | None = None) -> Any:
        assert service == "habilitation"
        after_id = getattr(request, "after_id", None)
        self.asked.append(after_id)
        self.timeouts.append(timeout_seconds)
        self.reading.set()
        await self.release.wait()
        index = len(self.asked) - 1
        last = index == len(self.pages) - 1
        return ActiveHabilitationsV1(
            habilitations=self.pages[index], next_after_id=None if last else self.pages[index][-1].id
        )


async def test_the_feed_reads_every_page_and_answers_with_the_services_date() -> None:
    rpc = SnapshotRpc([[active("a", end_date=TODAY + timedelta(days=2))], [active("b", siret=SIRET_2)]])
    clock = Clock(T0)
    feed = AuthorizationFeed("amqp://unused", rpc, clock)
    assert feed.check(*KEY) is None  # not loaded: the route asks the habilitation service

    assert await feed.load() == 2

    assert rpc.asked == [None, "a"]
    assert feed.check(*KEY) == allowed("a", TODAY + timedelta(days=2))
    assert feed.check("holder", "ceres", "centre_agree", SIRET_2) == allowed("b")
    clock.now = T0 + timedelta(days=2)
    assert feed.check(*KEY) == REFUSED


async def test_each_page_waits_the_snapshots_own_timeout_not_a_requests() -> None:
    rpc = SnapshotRpc([[active("a")], [active("b", siret=SIRET_2)]])
    feed = AuthorizationFeed("amqp://unused", rpc, Clock(T0), page_timeout_seconds=120)

    await feed.load()

    assert rpc.timeouts == [120, 120]


async def test_the_feed_merges_events_consumed_during_its_load() -> None:
    rpc = SnapshotRpc([[active("in-snapshot", role="gestionnaire_centres"), active("revoked-during-read")]])
    rpc.release.clear()
    feed = AuthorizationFeed("amqp://unused", rpc, Clock(T0))

    loading = asyncio.create_task(feed.load())
    await rpc.reading.wait()
    apply(feed.model, HabilitationGrantedV1(habilitation=wire("granted-during-read")))
    apply(feed.model, HabilitationRevokedV1(habilitation=wire("revoked-during-read"), revoked_by="manager"))
    rpc.release.set()

    assert await loading == 2
    assert feed.check(*KEY) == allowed("granted-during-read")
    assert feed.check(*MANAGES) == allowed("in-snapshot")


async def test_a_failed_reload_leaves_the_previous_copy_answering() -> None:
    class Unavailable:
        async def call(self, service: str, request: Request, *, timeout_seconds: float | None = None) -> Any:
            raise TimeoutError("habilitation did not answer")

    feed = AuthorizationFeed("amqp://unused", Unavailable(), Clock(T0))
    feed.model.begin_load()
    feed.model.finish_load([active()])

    with pytest.raises(TimeoutError):
        await feed.load()
    feed.model.granted(active("later", role="gestionnaire_centres"))

    assert feed.check(*KEY) == allowed("h-1")
    assert feed.check(*MANAGES) == allowed("later")
