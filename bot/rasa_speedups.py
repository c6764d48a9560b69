"""Faster drop-ins for Rasa internals that cost time on every message, with the same behaviour.

Installed explicitly before Rasa starts (`python -m bot.rasa_main`, which the
runner and the Makefile use for serving, training and testing), only on the Rasa
version they were tested with, unless settings.yml `rasa.speedups` or
BOT_RASA_SPEEDUPS=0 switches them off; otherwise Rasa's own code runs. Measured with py-spy under load (docs/performance.md):

- Rasa validated every action server response with `jsonschema.validate`, which
  first re-checks the schema itself: 36 % of the Rasa server's time. The
  validator is now built once, and the verdicts on recent responses are
  remembered (actions answer with few distinct responses; validating one
  still cost 6 %).
- Rasa finds an event's class by walking every subclass of `Event` for every
  event it reads (tracker loading, action results): 5 %. Found classes are now
  remembered by type name.
- Rasa runs its model graph (NLU once per message, the policies once per
  prediction) by building a dask graph and letting dask schedule it, every
  time: 7 %. The graph's nodes are now called directly, in an order worked out
  once per set of targets; each node gets the same inputs as under dask.
- DIET predicts through a `tf.function` with a fixed input signature, so it
  has one concrete function; finding it again for every message cost more
  than running it (4 %). It is now looked up once and called directly.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text, Tuple

import rasa
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from keras.utils import tf_utils
from rasa.core.actions.action import RemoteAction
from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.constants import DIAGNOSTIC_DATA, DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.utils.tensorflow.models import RasaModel

from bot.settings import settings

logger = logging.getLogger(__name__)
TESTED_RASA_VERSIONS = ("3.6.21",)  # tests/test_rasa_speedups.py compares each drop-in with Rasa's own
RASA_VALIDATE_ACTION_RESULT = RemoteAction.__dict__["_validate_action_result"]  # Rasa's own, for comparison
RASA_RESOLVE_BY_TYPE = Event.__dict__["resolve_by_type"].__func__  # Rasa's own (a staticmethod)
RASA_GRAPH_RUN = DaskGraphRunner.run  # Rasa's own
RASA_PREDICT = RasaModel._rasa_predict  # Rasa's own
REMEMBERED_VERDICTS = 4096
_event_classes: dict[str, type] = {}


@lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    """Return the validator of action server responses, with its schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


@lru_cache(maxsize=REMEMBERED_VERDICTS)
def _is_valid(serialised_result: str) -> bool:
    """Return whether an action server response (as canonical JSON) follows the schema."""
    return _action_response_validator().is_valid(json.loads(serialised_result))


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """Validate an action server response as Rasa does, without re-checking the schema."""
    if _is_valid(json.dumps(result, sort_keys=True)):
        return True
    error = best_match(_action_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, make sure your response from the Action "
        f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def _resolve_by_type(type_name: Text, default: Optional[type] = None) -> Optional[type]:
    """Return the event class for a type name as Rasa does, remembering the classes found."""
    known = _event_classes.get(type_name)
    if known is not None:
        return known
    found = RASA_RESOLVE_BY_TYPE(type_name, default)
    if found is not None and getattr(found, "type_name", None) == type_name:
        _event_classes[type_name] = found
    return found


Plan = List[Tuple[Text, List[Text]]]  # (node name, names of the nodes and inputs it needs), dependencies first


def _plan(schema: GraphSchema, targets: Tuple[Text, ...]) -> Plan:
    """Return the nodes the targets depend on, each after the nodes it needs."""
    plan: Plan = []
    placed: set[Text] = set()

    def place(name: Text) -> None:
        if name in placed or name not in schema.nodes:  # placed already, or an input placeholder
            return
        placed.add(name)
        needs = list(schema.nodes[name].needs.values())
        for dependency in needs:
            place(dependency)
        plan.append((name, needs))

    for target in targets:
        place(target)
    return plan


def _run_graph(
    self: DaskGraphRunner, inputs: Optional[Dict[Text, Any]] = None, targets: Optional[List[Text]] = None
) -> Dict[Text, Any]:
    """Run the graph as Rasa's dask runner does, calling the nodes directly in a planned order."""
    run_targets = tuple(targets if targets else self._graph_schema.target_names)
    plans = self.__dict__.setdefault("_plans", {})
    plan = plans.get(run_targets)
    if plan is None:
        plan = plans[run_targets] = _plan(self._graph_schema, run_targets)
    outputs: Dict[Text, Any] = {}
    for name, value in (inputs or {}).items():
        if isinstance(value, str) and (value in outputs or any(value == planned for planned, _ in plan)):
            raise GraphRunError(
                f"Input value '{value}' clashes with a node name. Make sure that none of the input names passed "
                f"to the `run` method are the same as node names in the graph schema."
            )
        outputs[name] = (name, value)
    try:
        for name, needs in plan:
            if name in outputs:  # as under dask, an input named like a node takes its place
                continue
            # as under dask, a need that nothing provides is passed as its bare name
            outputs[name] = self._instantiated_nodes[name](*(outputs.get(need, need) for need in needs))
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error
    return dict(outputs[target] for target in run_targets)


def _rasa_predict(self: RasaModel, batch_in: Tuple[Any, ...]) -> Dict[Text, Any]:
    """Predict as Rasa does, calling the prediction step's one concrete function directly."""
    concrete = self.__dict__.get("_concrete_predict_step")
    if concrete is None or self._run_eagerly or not self.prepared_for_prediction:
        outputs = RASA_PREDICT(self, batch_in)  # the first call builds the tf.function
        if self._tf_predict_step is not None and not self._run_eagerly:
            self.__dict__["_concrete_predict_step"] = self._tf_predict_step.get_concrete_function()
        return outputs
    self._training = False
    outputs = tf_utils.sync_to_numpy_or_python_type(concrete(batch_in))
    if DIAGNOSTIC_DATA in outputs:
        outputs[DIAGNOSTIC_DATA] = self._empty_lists_to_none_in_dict(outputs[DIAGNOSTIC_DATA])
    return outputs


def install() -> bool:
    """Put the faster drop-ins in place when they are switched on and Rasa is the tested version; tell whether."""
    if not settings()["rasa"]["speedups"]:
        logger.warning(
            "Rasa speed-ups switched off (settings.yml rasa.speedups, BOT_RASA_SPEEDUPS); Rasa's own code runs"
        )
        return False
    if rasa.__version__ not in TESTED_RASA_VERSIONS:
        logger.warning(
            "Rasa speed-ups not installed: tested with Rasa %s, this is Rasa %s; Rasa's own code runs",
            ", ".join(TESTED_RASA_VERSIONS),
            rasa.__version__,
        )
        return False
    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(_resolve_by_type)
    DaskGraphRunner.run = _run_graph
    RasaModel._rasa_predict = _rasa_predict
    return True


def uninstall() -> None:
    """Put Rasa's own code back."""
    RemoteAction._validate_action_result = RASA_VALIDATE_ACTION_RESULT
    Event.resolve_by_type = staticmethod(RASA_RESOLVE_BY_TYPE)
    DaskGraphRunner.run = RASA_GRAPH_RUN
    RasaModel._rasa_predict = RASA_PREDICT
