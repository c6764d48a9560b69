"""An action that fails with a message that must never reach an answer or a log (tests/test_action_server.py)."""

from rasa_sdk import Action


class ActionThatFails(Action):
    """Raise an exception whose text carries a person's words."""

    def name(self):
        """Return the action's name."""
        return "action_that_fails"

    def run(self, dispatcher, tracker, domain):
        """Fail."""
        raise RuntimeError("ik ben Sanne de Vries en ik wil dood")
