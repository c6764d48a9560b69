"""Faster drop-ins for Rasa internals that cost time on every message, with the same behaviour.

Installed when Rasa loads the project's components (bot/components/__init__.py).
Measured with py-spy under load (docs/performance.md):

- Rasa validated every action server response with `jsonschema.validate`, which
  first re-checks the schema itself: 36 % of the Rasa server's time. The
  validator is now built once, and the verdicts on recent responses are
  remembered (actions answer with few distinct responses; validating one
  still cost 6 %).
- Rasa finds an event's class by walking every subclass of `Event` for every
  event it reads (tracker loading, action results): 5 %. Found classes are now
  remembered by type name.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Dict, Optional, Text

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event


RASA_VALIDATE_ACTION_RESULT = RemoteAction.__dict__["_validate_action_result"]  # Rasa's own, for comparison
RASA_RESOLVE_BY_TYPE = Event.__dict__["resolve_by_type"].__func__  # Rasa's own (a staticmethod)
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


def install() -> None:
    """Put the faster drop-ins in place."""
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[assignment]

