"""The action server: rasa_sdk's own, but errors are answered without detail, no CORS is offered and no TensorFlow loaded.

rasa_sdk answers an exception in an action with the exception text and the
whole request body (the conversation); here the answer is a bare 500 and the
log names the exception's type only. Run as `python -m bot.action_server` with
rasa_sdk's arguments.
"""

from __future__ import annotations

import logging
import os
import sys

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app, create_argument_parser
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)


async def answer_without_detail(request: Request, exception: Exception) -> HTTPResponse:
    """Log the exception's type, never the request body or the exception text, and answer a bare 500."""
    logger.error("an action failed: %s", type(exception).__name__)
    return response.json({"error": "internal_error"}, status=500)


def keep_tensorflow_out() -> None:
    """Make `import tensorflow` fail in this process, unless it is loaded already.

    spaCy's thinc imports TensorFlow whenever it is installed (Rasa needs it); the
    actions use spaCy's tokenizer and lookup lemmas only, so the action server
    does without it: about 350 MB less memory.
    """
    sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]


def build_app(actions_package: str) -> Sanic:
    """Return rasa_sdk's app for the actions (imported here, without TensorFlow), with the error answer replaced and no CORS."""
    keep_tensorflow_out()
    app = create_app(actions_package, cors_origins=None)
    app.error_handler.add(Exception, answer_without_detail)
    return app


def main() -> None:
    """Parse rasa_sdk's arguments, set up its logging, and serve the actions."""
    args = create_argument_parser().parse_args()
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel, args.logging_config_file
    )
    utils.update_sanic_log_level()
    app = build_app(args.actions)
    app.run(os.environ.get("SANIC_HOST", "127.0.0.1"), args.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
