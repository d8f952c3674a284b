"""CloudEvents attributes of published messages: the `ce-` headers, each event's subject, and old outboxes."""

from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta, timezone
from typing import ClassVar

from contracts.accounts import AccountCreatedV1
from contracts.base import Event
from contracts.habilitation import HabilitationGrantedV1, HabilitationV1, ManagerRightGrantedV1, ManagerRightV1
from contracts.identity import RegistrationStartedV1
from efp_runtime.message_context import MessageContext, amqp_properties
from efp_runtime.outbox import event_message, stored_message

AT = datetime(2025, 3, 4, 5, 6, 7, 890_000, tzinfo=UTC)
HABILITATION = HabilitationV1(
    id="hab-1",
    account_id="acc-1",
    service="ceres",
    role="centre_agree",
    role_label="Centre agréé",
    siret="00001857200016",
    siren="000018572",
    end_date=date(2026, 1, 1),
    granted_by="acc-0",
    granted_by_name=None,
    granted_at=AT,
    via="manager",
    state="active",
)


def test_an_outbox_event_is_published_with_every_cloudevents_attribute() -> None:
    cause = MessageContext(message_id="cause-1", correlation_id="corr-1")
    message = event_message(HabilitationGrantedV1(habilitation=HABILITATION), cause, "habilitation")

    properties = amqp_properties(message.envelope())

    headers = properties["headers"]
    assert headers["ce-id"] == properties["message_id"] == message.message_id
    assert headers["ce-type"] == properties["message_type"] == "habilitation.habilitation.granted.v1"
    assert headers["ce-source"] == "/efp-connect/habilitation"
    assert headers["ce-specversion"] == "1.0"
    assert headers["ce-subject"] == "hab-1"
    assert headers["ce-datacontenttype"] == "application/json"
    assert headers["ce-time"] == message.occurred_at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    # The platform's own headers stay as they were.
    assert (headers["x-correlation-id"], headers["x-causation-id"]) == ("corr-1", "cause-1")


def test_the_time_is_rfc3339_in_utc_whatever_the_zone_it_was_written_in() -> None:
    message = event_message(RegistrationStartedV1(registration_id="r-1", expires_at=AT), MessageContext.fresh(), "id")
    paris = message.envelope().model_copy(update={"occurred_at": AT.astimezone(timezone(timedelta(hours=1)))})
    naive = message.envelope().model_copy(update={"occurred_at": AT.replace(tzinfo=None)})

    assert amqp_properties(paris)["headers"]["ce-time"] == "2025-03-04T05:06:07.890Z"
    assert amqp_properties(naive)["headers"]["ce-time"] == "2025-03-04T05:06:07.890Z"


def test_each_event_names_the_aggregate_it_is_about_as_its_subject() -> None:
    account = AccountCreatedV1(
        account_id="acc-9",
        email="a@b.fr",
        kind="user",
        civility=None,
        last_name="Dupont",
        first_name="Jean",
        job_title=None,
        siren=None,
        created_at=AT,
    )
    right = ManagerRightV1(
        account_id="acc-7", siren="000018572", granted_by=None, granted_by_name=None, granted_at=AT, via="manager"
    )

    assert HabilitationGrantedV1(habilitation=HABILITATION).cloudevents_subject() == "hab-1"
    assert account.cloudevents_subject() == "acc-9"
    assert RegistrationStartedV1(registration_id="r-1", expires_at=AT).cloudevents_subject() == "r-1"
    assert ManagerRightGrantedV1(right=right).cloudevents_subject() == "acc-7"


def test_a_contract_can_name_its_subject_and_one_with_none_publishes_without() -> None:
    class SiretChangedV1(Event):
        MESSAGE_TYPE: ClassVar[str] = "test.establishment.changed.v1"
        SUBJECT_FIELD: ClassVar[str | None] = "siret"
        siret: str

    class PingedV1(Event):
        MESSAGE_TYPE: ClassVar[str] = "test.ping.v1"

    assert SiretChangedV1(siret="00001857200016").cloudevents_subject() == "00001857200016"
    unnamed = event_message(PingedV1(), MessageContext.fresh(), "test")
    assert unnamed.subject is None
    assert "ce-subject" not in amqp_properties(unnamed.envelope())["headers"]


def test_an_outbox_entry_stored_before_subjects_existed_still_publishes() -> None:
    message = event_message(HabilitationGrantedV1(habilitation=HABILITATION), MessageContext.fresh(), "habilitation")
    stored = asdict(message)
    del stored["subject"]

    old = stored_message(stored)

    assert old.subject is None
    headers = amqp_properties(old.envelope())["headers"]
    assert headers["ce-id"] == message.message_id
    assert "ce-subject" not in headers


def test_an_outbox_entry_written_by_a_newer_version_still_publishes() -> None:
    message = event_message(HabilitationGrantedV1(habilitation=HABILITATION), MessageContext.fresh(), "habilitation")

    newer = stored_message({**asdict(message), "priority": 5})

    assert newer == message
