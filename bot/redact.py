"""Secrets never reach a log: a logging filter that rewrites every record before any handler
writes it.

Two kinds of things are hidden, in the message, its arguments, the traceback and the stack:

- the secrets this process knows (``register``): passwords and tokens from the configuration,
  the Matrix access token once the bot has it, the demo homeserver's shared secret... also in
  their URL-encoded and JSON-escaped forms;
- what looks like a secret whatever its value: ``access_token=…`` in a URL, ``"password": …``
  in a JSON body or a dict, ``Authorization: Bearer …``, the password of a URL
  (``postgresql://user:…@host``), Synapse's token shape (``syt_…``), the room pages' tokens
  (``cgp_…``).

``bot.app.setup_logging`` puts the filter on the handlers (not on loggers: a filter on a logger
does not see the records of its children, such as ``nio.client``), so every library's records go
through it too.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import traceback
from urllib.parse import quote, quote_plus

MASK = "***"
# shorter values are not treated as secrets: hiding every "abc" in the log would hide the log
MIN_SECRET_LENGTH = 4

# every repetition is bounded, so that no text (a chat message logged at DEBUG) can make a
# pattern backtrack for long
_KEY = r"[\w.-]{0,40}?(?:token|password|passwd|secret|signing_key|authorization|cookie)[\w.-]{0,40}"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Authorization: Bearer …
    (re.compile(r"(?i)\b(bearer\s{1,8})[\w.~+/=-]{1,4096}"), rf"\1{MASK}"),
    # "password": "…", 'access_token': '…' (JSON, Python reprs), key="…"
    (
        re.compile(
            rf"""(?i)(?<![\w.-])(?!M_[A-Z_]+\b)({_KEY}["']?\s*[:=]\s*)(["'])((?:\\.|(?!\2).){{0,4096}}?)\2"""
        ),
        rf"\1\2{MASK}\2",
    ),
    # access_token=… in a query string or a form, password: … in plain text
    (
        re.compile(
            rf"""(?i)(?<![\w.-])(?!M_[A-Z_]+\b)({_KEY}["']?\s*[:=]\s*)(?!["'\s]|bearer\s|\*\*\*)([^\s&,;"'}}\])]{{1,4096}})"""
        ),
        rf"\1{MASK}",
    ),
    # scheme://user:password@host
    (
        re.compile(
            r"(?i)(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,20}://[^\s/:@]{0,256}:)([^\s/@]{1,256})@"
        ),
        rf"\1{MASK}@",
    ),
    # Synapse access and refresh tokens
    (re.compile(r"\bsy[tr]_[\w-]{1,4096}"), MASK),
    # the tokens of the room pages' links (``commands.page``)
    (re.compile(r"\bcgp_[\w-]{1,4096}"), MASK),
]


class Redactor(logging.Filter):
    """The filter; one instance for the process (``REDACTOR``)."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._known: tuple[str, ...] = ()

    def register(self, *secrets: str | None) -> None:
        """Hide these values from now on (``None``, empty and very short values are ignored)."""
        forms = set(self._known)
        for secret in secrets:
            if not secret or len(secret) < MIN_SECRET_LENGTH:
                continue
            forms.update({secret, quote(secret, safe=""), quote_plus(secret)})
            forms.add(json.dumps(secret)[1:-1])
        with self._lock:
            # longest first, so that a secret that contains another one is hidden whole
            self._known = tuple(sorted(forms, key=len, reverse=True))

    def redact(self, text: str) -> str:
        for secret in self._known:
            if secret in text:
                text = text.replace(secret, MASK)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: hide what can be hidden, keep the rest
            message = " ".join(str(part) for part in (record.msg, record.args))
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


REDACTOR = Redactor()


def register(*secrets: str | None) -> None:
    """Hide these values from every log record from now on."""
    REDACTOR.register(*secrets)


def redact(text: str) -> str:
    return REDACTOR.redact(text)
