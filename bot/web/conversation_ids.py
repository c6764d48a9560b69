"""Conversation ids made by the server: random and signed, so clients cannot choose or guess them."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Callable, Optional

ID_BYTES = 16
TAG_BYTES = 16


class ConversationIds:
    """Issue and check ids of the form <random hex>.<HMAC tag>."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def new(self, wanted: Optional[Callable[[str], bool]] = None, tries: int = 64) -> str:
        """Return a fresh, unguessable conversation id; one that `wanted` accepts if found within `tries`."""
        for _ in range(tries):
            random_part = secrets.token_hex(ID_BYTES)
            conversation_id = f"{random_part}.{self._tag(random_part)}"
            if wanted is None or wanted(conversation_id):
                break
        return conversation_id

    def is_valid(self, conversation_id: object) -> bool:
        """Tell whether an id was issued with this key."""
        if not isinstance(conversation_id, str) or conversation_id.count(".") != 1:
            return False
        random_part, tag = conversation_id.split(".")
        if len(random_part) != 2 * ID_BYTES or not all(c in "0123456789abcdef" for c in random_part):
            return False
        return hmac.compare_digest(tag, self._tag(random_part))

    def _tag(self, random_part: str) -> str:
        """Return the HMAC tag of the random part."""
        return hmac.new(self._key, random_part.encode(), hashlib.sha256).hexdigest()[: 2 * TAG_BYTES]
