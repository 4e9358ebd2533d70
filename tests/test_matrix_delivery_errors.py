"""Which refused sends are worth retrying: a request the homeserver rejects as wrong (4xx) is not,
so it cannot hold up the room's queue; a server error or an outage is."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.adapters.matrix import MatrixAdapter


def refused(code: str, http: int | None) -> SimpleNamespace:
    transport = SimpleNamespace(status=http) if http is not None else None
    return SimpleNamespace(status_code=code, message="refused", transport_response=transport)


@pytest.mark.parametrize(
    ("code", "http", "permanent"),
    [
        ("M_UNKNOWN", 400, True),  # "Can't send relation to unknown event"
        ("M_FORBIDDEN", 403, True),
        ("M_TOO_LARGE", 413, True),
        ("M_FORBIDDEN", None, True),
        ("M_UNKNOWN", 500, False),
        ("M_UNKNOWN", 502, False),
        ("M_LIMIT_EXCEEDED", 429, False),
        ("M_UNKNOWN", None, False),
    ],
)
def test_permanent_or_retriable(code, http, permanent):
    assert MatrixAdapter._delivery_error(refused(code, http)).permanent is permanent
