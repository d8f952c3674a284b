"""A route may answer one broker user's requests with another use case (the operator's, in habilitation)."""

import pytest
from pydantic import BaseModel

from efp_runtime.message_context import MessageContext, context_of
from efp_runtime.service import BySender

pytestmark = pytest.mark.unit


class Answer(BaseModel):
    by: str


async def theirs(request: object, context: MessageContext) -> BaseModel:
    return Answer(by="theirs")


async def others(request: object, context: MessageContext) -> BaseModel:
    return Answer(by="others")


@pytest.mark.parametrize(("sender", "by"), [("operator", "theirs"), ("gateway", "others"), (None, "others")])
async def test_the_sender_rabbitmq_vouched_for_chooses_the_use_case(sender: str | None, by: str) -> None:
    route = BySender("operator", theirs, others)

    answer = await route(object(), context_of("m-1", "c-1", {}, sender))

    assert answer == Answer(by=by)
