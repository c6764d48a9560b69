"""The faster drop-ins for Rasa internals (bot/rasa_speedups.py) behave as Rasa's own."""

from __future__ import annotations

import asyncio

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.tensorflow.models import RasaModel
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


@pytest.fixture(scope="module")
def agent():
    """Load the trained model, as the Rasa server does."""
    from rasa.core.agent import Agent

    from bot.settings import project_path, settings

    return Agent.load(str(project_path(settings()["rasa"]["model"])))


def _with_runner(run, monkeypatch, call):
    monkeypatch.setattr(DaskGraphRunner, "run", run)
    return call()


@pytest.mark.parametrize("text", ["hoi", "ik wil niet meer leven", "ik kijk steeds vaker dingen die niet kunnen", "is it free?", "wat kost zo'n show", "xqzt"])
def test_the_graph_runs_as_under_dask(agent, monkeypatch, text):
    parse = lambda: asyncio.run(agent.parse_message(text))  # noqa: E731
    by_dask = _with_runner(rasa_speedups.RASA_GRAPH_RUN, monkeypatch, parse)
    planned = _with_runner(rasa_speedups._run_graph, monkeypatch, parse)
    assert planned == by_dask

    tracker = DialogueStateTracker.from_events("graph", [ActionExecuted("action_listen"), UserUttered(text, by_dask)])
    predict = lambda: agent.processor._predict_next_with_tracker(tracker)  # noqa: E731
    expected, got = (_with_runner(run, monkeypatch, predict) for run in (rasa_speedups.RASA_GRAPH_RUN, rasa_speedups._run_graph))
    assert (got.policy_name, got.probabilities, got.max_confidence_index) == (
        expected.policy_name, expected.probabilities, expected.max_confidence_index)


@pytest.mark.parametrize("text", ["hoi", "ik wil niet meer leven", "wat kost zo'n show", "my partner watches kids online"])
def test_diet_predicts_as_through_rasas_own_call(agent, monkeypatch, text):
    parse = lambda: asyncio.run(agent.parse_message(text))  # noqa: E731
    monkeypatch.setattr(RasaModel, "_rasa_predict", rasa_speedups.RASA_PREDICT)
    expected = parse()
    monkeypatch.setattr(RasaModel, "_rasa_predict", rasa_speedups._rasa_predict)
    parse()  # the first call finds the concrete function
    assert parse() == expected


def test_an_input_named_like_a_node_is_refused(agent):
    runner = agent.processor.graph_runner
    target = agent.processor.model_metadata.nlu_target
    for run in (rasa_speedups.RASA_GRAPH_RUN, rasa_speedups._run_graph):
        with pytest.raises(GraphRunError):
            run(runner, inputs={"__message__": target}, targets=[target])
