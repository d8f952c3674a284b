"""The gateway's AsyncAPI document: valid for the official parser, complete, with examples its schemas accept."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from contracts.base import Event
from contracts.rpc import Request
from contracts.topology import EVENTS_EXCHANGE
from devstack.pytest_plugin import RunningSystem
from gateway.asyncapi import contract_classes, request_queues

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = Path(__file__).with_name("validate.cjs")


@pytest.fixture(scope="module")
def document(system: RunningSystem) -> dict[str, Any]:
    with system.client() as http:
        response = http.get("/asyncapi.json")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()  # type: ignore[no-any-return]


def test_the_official_parser_finds_no_error_and_no_warning(document: dict[str, Any], tmp_path: Path) -> None:
    node = shutil.which("node")
    assert node, "Node.js is needed to run the AsyncAPI parser"
    path = tmp_path / "asyncapi.json"
    path.write_text(json.dumps(document))

    result = subprocess.run([node, str(VALIDATOR), str(path)], capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "asyncapi 3.0.0" in result.stdout


def test_the_parser_refuses_a_broken_document(document: dict[str, Any], tmp_path: Path) -> None:
    """The check above can fail: a dangling reference is an error."""
    broken = json.loads(json.dumps(document))
    next(iter(broken["operations"].values()))["channel"] = {"$ref": "#/channels/nowhere"}
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))

    result = subprocess.run(["node", str(VALIDATOR), str(path)], capture_output=True, text=True, timeout=120)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "nowhere" in result.stdout


def test_every_public_event_is_a_channel_of_the_events_exchange(document: dict[str, Any]) -> None:
    events = contract_classes(Event)
    assert len(events) > 20  # found by walking the contracts, not listed by hand

    for event in events:
        channel = document["channels"][event.MESSAGE_TYPE]
        assert channel["address"] == event.MESSAGE_TYPE
        assert channel["bindings"]["amqp"]["exchange"]["name"] == EVENTS_EXCHANGE
        assert channel["bindings"]["amqp"]["exchange"]["type"] == "topic"
        message = _message(document, channel)
        assert message["name"] == event.__name__
        assert message["payload"] == {"$ref": f"#/components/schemas/{event.__name__}"}
        assert message["headers"]["properties"]["ce-type"]["const"] == event.MESSAGE_TYPE


def test_every_request_has_its_queue_and_its_reply(document: dict[str, Any]) -> None:
    for request in contract_classes(Request):
        for queue in request_queues(request):
            title = f"{queue}.{request.MESSAGE_TYPE}"
            assert document["channels"][title]["address"] == queue
            reply = document["operations"][title]["reply"]
            assert reply["address"]["location"] == "$message.header#/reply_to"
            assert reply["channel"] == {"$ref": f"#/channels/{title}.reply"}
            reply_schema = _message(document, document["channels"][f"{title}.reply"])["payload"]["$ref"]
            assert reply_schema == f"#/components/schemas/{request.RESULT.__name__}Reply"


def test_every_event_has_an_example_its_schemas_accept(document: dict[str, Any]) -> None:
    for event in contract_classes(Event):
        message = _message(document, document["channels"][event.MESSAGE_TYPE])
        [example] = message["examples"]
        _validate(document, example["payload"], message["payload"])
        _validate(document, example["headers"], message["headers"])
        assert example["headers"]["ce-subject"], event.__name__
        assert event.model_validate(example["payload"])


def test_a_wrong_example_would_be_caught(document: dict[str, Any]) -> None:
    message = _message(document, document["channels"]["habilitation.habilitation.granted.v1"])
    payload = json.loads(json.dumps(message["examples"][0]["payload"]))
    payload["habilitation"]["state"] = "dormant"

    with pytest.raises(jsonschema.ValidationError):
        _validate(document, payload, message["payload"])


def test_the_document_names_the_broker_but_not_its_credentials(document: dict[str, Any], system: RunningSystem) -> None:
    [server] = document["servers"].values()
    assert server["protocol"] == "amqp"
    text = json.dumps(document)
    for url in {system.infrastructure.amqp_url, *system.broker_users.values()}:
        userinfo = url.split("://", 1)[1].split("@", 1)[0]
        password = userinfo.partition(":")[2]
        assert f"{userinfo}@" not in text
        assert len(password) < 8 or password not in text


def _message(document: dict[str, Any], channel: dict[str, Any]) -> dict[str, Any]:
    ref = channel["messages"]["Message"]["$ref"]
    message: dict[str, Any] = document["components"]["messages"][ref.rsplit("/", 1)[1]]
    return message


def _validate(document: dict[str, Any], instance: Any, schema: dict[str, Any]) -> None:
    # Refs are `#/components/schemas/...`: resolved against a root that holds the document's components.
    root = {**schema, "components": document["components"]}
    jsonschema.validate(instance, root, cls=jsonschema.Draft202012Validator)
