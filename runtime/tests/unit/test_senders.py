"""The allow-list of senders: who may send each message type, and when it is enforced."""

import typing

import pytest

from contracts.accounts import AccountCreatedV1, GetProfileV1, LogInV1
from contracts.activation import IssueActivationCodeV1
from contracts.habilitation import HabilitationGrantedV1
from contracts.notification import EmailContent, SendEmailV1
from contracts.rpc import PingV1
from efp_runtime.senders import (
    HABILITATION_TEMPLATES,
    IDENTITY_TEMPLATES,
    TEMPLATE_OWNERS,
    SenderCheck,
    allowed_senders,
    broker_user,
)

pytestmark = pytest.mark.unit
EMAIL = SendEmailV1.MESSAGE_TYPE


def enforced() -> SenderCheck:
    return SenderCheck("habilitation")


def test_the_sender_is_the_user_of_the_amqp_url() -> None:
    assert broker_user("amqp://gateway:s3cr%2Ft@rabbit:5672/") == "gateway"
    assert broker_user("amqp://rabbit:5672/") == "guest"


def test_user_requests_come_only_from_the_gateway() -> None:
    assert allowed_senders(LogInV1.MESSAGE_TYPE) == {"gateway"}
    assert allowed_senders(PingV1.MESSAGE_TYPE) == {"gateway"}
    assert not enforced().allows("notification", IssueActivationCodeV1.MESSAGE_TYPE)
    assert not enforced().allows(None, LogInV1.MESSAGE_TYPE)


def test_habilitation_may_ask_identity_what_it_needs_and_nothing_else() -> None:
    assert allowed_senders(GetProfileV1.MESSAGE_TYPE) == {"gateway", "habilitation"}
    assert not enforced().allows("habilitation", LogInV1.MESSAGE_TYPE)


def test_the_operator_may_issue_activation_codes_as_efp_ops_does() -> None:
    assert allowed_senders(IssueActivationCodeV1.MESSAGE_TYPE) == {"gateway", "operator"}


def test_each_service_sends_only_its_own_templates() -> None:
    check = enforced()
    assert check.allows("identity", EMAIL, "password_reset_code")
    assert not check.allows("identity", EMAIL, "invitation")
    assert check.allows("habilitation", EMAIL, "invitation")
    assert not check.allows("habilitation", EMAIL, "signup_verification_code")
    assert not check.allows("gateway", EMAIL, "signup_verification_code")


def test_notification_and_the_operator_may_bring_any_email_back() -> None:
    # Its delay queues, and a requeue of a parked or dead-lettered command.
    assert enforced().allows("notification", EMAIL, "invitation")
    assert enforced().allows("operator", EMAIL, "password_reset_code")


def test_every_template_has_exactly_one_owner() -> None:
    content = typing.get_args(EmailContent)[0]
    templates = {typing.get_args(m.model_fields["template"].annotation)[0] for m in typing.get_args(content)}
    assert templates == set(TEMPLATE_OWNERS)
    assert not IDENTITY_TEMPLATES & HABILITATION_TEMPLATES


def test_events_come_from_the_service_their_type_names() -> None:
    assert allowed_senders(HabilitationGrantedV1.MESSAGE_TYPE) == {"habilitation"}
    assert not enforced().allows("operator", HabilitationGrantedV1.MESSAGE_TYPE)
    # The account events' queues are dead-lettered: efp-ops replays them.
    assert allowed_senders(AccountCreatedV1.MESSAGE_TYPE) == {"identity", "operator"}


def test_an_administrator_passes() -> None:
    assert enforced().allows("efp-admin", HabilitationGrantedV1.MESSAGE_TYPE)


def test_checks_are_off_only_for_a_process_not_connected_as_a_provisioned_user() -> None:
    assert not SenderCheck("guest").enforced
    assert SenderCheck("guest").allows("anyone", HabilitationGrantedV1.MESSAGE_TYPE)
    assert SenderCheck("guest", "production").enforced
    assert SenderCheck("gateway").enforced
