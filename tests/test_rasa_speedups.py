"""The faster drop-ins for Rasa internals (bot/rasa_speedups.py) behave as Rasa's own."""

from __future__ import annotations

import asyncio

import pytest
import rasa
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa.utils.tensorflow.models import RasaModel

from bot import rasa_speedups
from bot.settings import project_path, settings

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


@pytest.fixture
def installed():
    """Install the speed-ups as `python -m bot.rasa_main` does, and put Rasa's own code back afterwards."""
    assert rasa_speedups.install() is True
    yield
    rasa_speedups.uninstall()


@pytest.fixture
def fresh_settings(monkeypatch):
    """Read the settings again in this test (environment overrides included), and again after it."""
    settings.cache_clear()
    yield monkeypatch
    settings.cache_clear()


def test_install_replaces_rasas_validation(installed):
    assert RemoteAction._validate_action_result is rasa_speedups._validate_action_result


def test_uninstall_puts_rasas_own_code_back():
    assert rasa_speedups.install() is True
    rasa_speedups.uninstall()
    assert RemoteAction._validate_action_result is rasa_speedups.RASA_VALIDATE_ACTION_RESULT
    assert Event.__dict__["resolve_by_type"].__func__ is rasa_speedups.RASA_RESOLVE_BY_TYPE
    assert DaskGraphRunner.run is rasa_speedups.RASA_GRAPH_RUN
    assert RasaModel._rasa_predict is rasa_speedups.RASA_PREDICT


def test_nothing_is_installed_by_importing_the_components():
    import bot.components.safety_guard  # noqa: F401  (Rasa imports it when it loads the model)

    assert RemoteAction._validate_action_result is rasa_speedups.RASA_VALIDATE_ACTION_RESULT


@pytest.mark.parametrize("value", ["0", "false", "off"])
def test_an_environment_variable_switches_them_off(fresh_settings, value, caplog):
    fresh_settings.setenv("BOT_RASA_SPEEDUPS", value)
    assert rasa_speedups.install() is False
    assert DaskGraphRunner.run is rasa_speedups.RASA_GRAPH_RUN
    assert "switched off" in caplog.text


def test_they_refuse_an_untested_rasa_version(monkeypatch, caplog):
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    assert rasa_speedups.install() is False
    assert RemoteAction._validate_action_result is rasa_speedups.RASA_VALIDATE_ACTION_RESULT
    assert "tested with Rasa 3.6.21, this is Rasa 3.7.0" in caplog.text


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


def test_install_replaces_rasas_event_lookup(installed):
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.__dict__["resolve_by_type"].__func__ is rasa_speedups._resolve_by_type


@pytest.fixture(scope="module")
def agent():
    """Load the trained model, as the Rasa server does."""
    from rasa.core.agent import Agent

    return Agent.load(str(project_path(settings()["rasa"]["model"])))


def _with_runner(run, monkeypatch, call):
    monkeypatch.setattr(DaskGraphRunner, "run", run)
    return call()


@pytest.mark.model
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


@pytest.mark.model
@pytest.mark.parametrize("text", ["hoi", "ik wil niet meer leven", "wat kost zo'n show", "my partner watches kids online"])
def test_diet_predicts_as_through_rasas_own_call(agent, monkeypatch, text):
    parse = lambda: asyncio.run(agent.parse_message(text))  # noqa: E731
    monkeypatch.setattr(RasaModel, "_rasa_predict", rasa_speedups.RASA_PREDICT)
    expected = parse()
    monkeypatch.setattr(RasaModel, "_rasa_predict", rasa_speedups._rasa_predict)
    parse()  # the first call finds the concrete function
    assert parse() == expected


@pytest.mark.model
def test_an_input_named_like_a_node_is_refused(agent):
    runner = agent.processor.graph_runner
    target = agent.processor.model_metadata.nlu_target
    for run in (rasa_speedups.RASA_GRAPH_RUN, rasa_speedups._run_graph):
        with pytest.raises(GraphRunError):
            run(runner, inputs={"__message__": target}, targets=[target])


TINY_CONFIG = {
    "recipe": "default.v1", "language": "en", "assistant_id": "speedups-test",
    "pipeline": [
        {"name": "WhitespaceTokenizer"}, {"name": "CountVectorsFeaturizer"},
        {"name": "DIETClassifier", "epochs": 5, "random_seed": 7, "number_of_transformer_layers": 0},
    ],
    "policies": [{"name": "RulePolicy"}],
}
TINY_NLU = {"version": "3.1", "nlu": [
    {"intent": "greet", "examples": "- hello\n- hi there\n- good morning\n- hey\n"},
    {"intent": "ask_help", "examples": "- where can I get help\n- who can I call\n- I need help\n- is there a help line\n"},
], "rules": [
    {"rule": "greet", "steps": [{"intent": "greet"}, {"action": "utter_hello"}]},
    {"rule": "help", "steps": [{"intent": "ask_help"}, {"action": "utter_help"}]},
]}
TINY_DOMAIN = {"version": "3.1", "intents": ["greet", "ask_help"],
               "responses": {"utter_hello": [{"text": "Hello."}], "utter_help": [{"text": "Help."}]}}


def _train_tiny_bot(folder, monkeypatch, run_graph):
    """Train a small bot with `run_graph` as the graph runner; return its parses of a few texts."""
    import yaml
    from rasa.api import train
    from rasa.core.agent import Agent

    folder.mkdir()
    for name, content in (("config.yml", TINY_CONFIG), ("data.yml", TINY_NLU), ("domain.yml", TINY_DOMAIN)):
        (folder / name).write_text(yaml.safe_dump(content), encoding="utf-8")
    monkeypatch.setattr(DaskGraphRunner, "run", run_graph)
    result = train(str(folder / "domain.yml"), str(folder / "config.yml"), [str(folder / "data.yml")],
                   output=str(folder / "models"), fixed_model_name="tiny")
    assert result.code == 0 and result.model
    monkeypatch.setattr(DaskGraphRunner, "run", rasa_speedups.RASA_GRAPH_RUN)
    agent = Agent.load(result.model)
    parses = [asyncio.run(agent.parse_message(text)) for text in ("hello", "who can I call for help")]
    return [(parse["intent"]["name"], round(parse["intent"]["confidence"], 5)) for parse in parses]


@pytest.mark.model
def test_training_through_the_planned_graph_gives_the_same_model(tmp_path, monkeypatch):
    calls = []

    def counted(self, *args, **kwargs):
        calls.append(1)
        return rasa_speedups._run_graph(self, *args, **kwargs)

    planned = _train_tiny_bot(tmp_path / "planned", monkeypatch, counted)
    assert calls, "training did not go through the speed-ups' graph runner"
    assert planned == _train_tiny_bot(tmp_path / "dask", monkeypatch, rasa_speedups.RASA_GRAPH_RUN)
    assert [intent for intent, _ in planned] == ["greet", "ask_help"]
