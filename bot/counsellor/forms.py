"""Reading HTML form posts (application/x-www-form-urlencoded) with a size limit."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request

from bot.counsellor.i18n import _

MAX_FIELDS = 20


class FormError(Exception):
    """A form post that cannot be read; answered with `status`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


async def read_form(request: Request, max_bytes: int) -> dict[str, str]:
    """Return the posted fields (the first value of each), refusing other media types and large bodies."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        raise FormError(415, _("Send the form as application/x-www-form-urlencoded."))
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise FormError(413, _("The form is too large."))
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise FormError(400, _("The form could not be read.")) from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields
