"""The faster drop-in for Rasa's action-response validation behaves as Rasa's own."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event, UserUttered
from rasa.utils.endpoints import EndpointConfig

from bot import rasa_speedups

ORIGINAL = rasa_speedups.RASA_VALIDATE_ACTION_RESULT

RESPONSES = [  # (response, valid)
    ({"events": [{"event": "slot", "name": "fact_found", "value": True}], "responses": []}, True),
    ({"events": [], "responses": [{"response": "utter_fact"}]}, True),
    ({}, True),
    ({"events": "not a list"}, False),
    ({"events": [{"name": "no event key"}]}, False),
    ({"events": [{"event": 5}]}, False),
]


@pytest.fixture
def action():
    return RemoteAction("action_search_facts", EndpointConfig("http://127.0.0.1:1/webhook"))


@pytest.mark.parametrize("response, valid", RESPONSES)
def test_same_verdict_and_message_as_rasa(action, response, valid):
    def outcome(validate):
        try:
            return validate(action, response)
        except ValidationError as error:
            return ("error", error.message)

    assert outcome(rasa_speedups._validate_action_result) == outcome(ORIGINAL)
    assert outcome(rasa_speedups._validate_action_result) == outcome(ORIGINAL)  # again, the verdict remembered
    assert (outcome(ORIGINAL) is True) == valid


def test_a_remembered_verdict_is_for_that_response_only(action):
    valid = {"events": [{"event": "slot", "name": "fact_found", "value": True}]}
    assert rasa_speedups._validate_action_result(action, valid) is True
    with pytest.raises(ValidationError):
        rasa_speedups._validate_action_result(action, {"events": [{"name": "fact_found", "value": True}]})


def test_install_replaces_rasas_validation():
    import bot.components  # noqa: F401  (installs the speed-ups, as Rasa does when it loads the model)

    assert RemoteAction._validate_action_result is rasa_speedups._validate_action_result


@pytest.mark.parametrize("type_name, default", [
    ("user", None), ("bot", None), ("slot", None), ("action", None), ("session_started", None),
    ("no_such_event", UserUttered), ("topic", None),
])
def test_event_classes_are_resolved_as_rasa_does(type_name, default):
    expected = rasa_speedups.RASA_RESOLVE_BY_TYPE(type_name, default)
    assert rasa_speedups._resolve_by_type(type_name, default) is expected
    assert rasa_speedups._resolve_by_type(type_name, default) is expected  # and again, from memory


def test_unknown_event_names_still_fail():
    with pytest.raises(ValueError):
        rasa_speedups._resolve_by_type("no_such_event")


def test_install_replaces_rasas_event_lookup():
    import bot.components  # noqa: F401

    assert Event.resolve_by_type("user") is UserUttered
    assert Event.__dict__["resolve_by_type"].__func__ is rasa_speedups._resolve_by_type
