"""Prometheus figures of the process (``/metrics`` on the page server, ``bot.web``): events
handled, answer latency, deliveries, errors, and, read when scraped, the outbox depth and how
long ago each chat connection last heard from its server.

The metrics live on a registry of their own (not the library's global one), so that importing
this module twice or building several runtimes in one process (the tests) never clashes.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REGISTRY = CollectorRegistry(auto_describe=True)

EVENTS = Counter(
    "cagnotte_events_handled", "Chat events handled (committed)", ["platform"], registry=REGISTRY
)
ANSWER_LATENCY = Histogram(
    "cagnotte_answer_latency_seconds",
    "From the arrival of an event to the delivery of a message it caused",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
    registry=REGISTRY,
)
DELIVERED = Counter(
    "cagnotte_messages_delivered",
    "Messages delivered to a chat platform",
    ["platform"],
    registry=REGISTRY,
)
ERRORS = Counter(
    "cagnotte_errors",
    "Errors: event (a command raised), batch (a commit failed), delivery (a message failed), "
    "page (a page request raised)",
    ["kind"],
    registry=REGISTRY,
)
PAGE_SECONDS = Histogram(
    "cagnotte_page_seconds",
    "Time to answer a page request",
    ["page"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
    registry=REGISTRY,
)

_arrivals: OrderedDict[str, float] = OrderedDict()  # event id -> when it arrived (monotonic)
_waiting: OrderedDict[int, float] = OrderedDict()  # outbox id -> when its cause arrived
_KEEP = 10_000


def arrived(event_id: str) -> None:
    _arrivals[event_id] = time.monotonic()
    while len(_arrivals) > _KEEP:
        _arrivals.popitem(last=False)


def queued(messages: Iterable[tuple[int, str]]) -> None:
    """Messages (outbox id, cause event id) written by handled events."""
    for message_id, cause in messages:
        at = _arrivals.get(cause)
        if at is not None:
            _waiting[message_id] = at
    while len(_waiting) > _KEEP:
        _waiting.popitem(last=False)


def handled(event_ids: Iterable[str]) -> None:
    for event_id in event_ids:
        _arrivals.pop(event_id, None)


def delivered(message_id: int, platform: str) -> None:
    DELIVERED.labels(platform).inc()
    at = _waiting.pop(message_id, None)
    if at is not None:
        ANSWER_LATENCY.observe(time.monotonic() - at)


class LiveFigures(Collector):
    """Figures read when scraped: ``outbox`` returns how many messages wait to be delivered;
    ``lags`` the seconds since each platform's connection last heard from its server."""

    def __init__(
        self, outbox: Callable[[], int], lags: Callable[[], dict[str, float | None]]
    ) -> None:
        self.outbox = outbox
        self.lags = lags

    def collect(self) -> Iterable[GaugeMetricFamily]:
        depth = GaugeMetricFamily("cagnotte_outbox_depth", "Messages waiting to be delivered")
        depth.add_metric([], float(self.outbox()))
        yield depth
        lag = GaugeMetricFamily(
            "cagnotte_sync_lag_seconds",
            "Seconds since the platform's connection last heard from its server",
            labels=["platform"],
        )
        for platform, seconds in sorted(self.lags().items()):
            if seconds is not None:
                lag.add_metric([platform], seconds)
        yield lag

    def describe(self) -> Iterable[GaugeMetricFamily]:
        return []


def exposition(extra: Collector | None = None) -> bytes:
    """The text format of every metric, with ``extra`` (live figures) for this scrape."""
    if extra is None:
        return generate_latest(REGISTRY)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Forward())
    registry.register(extra)
    return generate_latest(registry)


class _Forward(Collector):
    def collect(self) -> Iterable[GaugeMetricFamily]:
        yield from REGISTRY.collect()  # type: ignore[misc]
