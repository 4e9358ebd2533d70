"""What every request to the page server goes through: the client's address, a rate limit per
address (a token bucket; unknown links cost more, so that guessing tokens is slow as well as
hopeless), and the security headers of every answer."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from aiohttp import web

# no inline style or script, nothing from elsewhere, no framing, no referrer (the token is in
# the address)
CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
MISS_COST = 10.0  # an unknown link costs as much as this many requests
MAX_ADDRESSES = 10_000  # addresses remembered (the least recently seen are forgotten)
MAX_STREAMS = 8  # live connections (server-sent events) per address


def client_address(request: web.Request, trust_forwarded: bool) -> str:
    """The client's address: the peer, or behind a trusted reverse proxy the last address it
    appended to ``X-Forwarded-For``."""
    if trust_forwarded:
        forwarded = request.headers.get("X-Forwarded-For", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last[:64]
    return request.remote or "?"


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimit:
    """``per_minute`` requests per address, in bursts of as many; ``now`` is a monotonic clock
    (seconds)."""

    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self.streams: dict[str, int] = {}

    def _bucket(self, address: str, now: float) -> _Bucket:
        bucket = self._buckets.get(address)
        if bucket is None:
            bucket = _Bucket(self.capacity, now)
            self._buckets[address] = bucket
            while len(self._buckets) > MAX_ADDRESSES:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(address)
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
        return bucket

    def allow(self, address: str, now: float) -> bool:
        """Take one request from the address's allowance, if there is one left."""
        bucket = self._bucket(address, now)
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True

    def missed(self, address: str, now: float) -> None:
        """The address asked for a link that opens nothing."""
        bucket = self._bucket(address, now)
        bucket.tokens = max(-self.capacity, bucket.tokens - (MISS_COST - 1))

    def retry_after(self, address: str) -> int:
        bucket = self._buckets.get(address)
        if bucket is None or bucket.tokens >= 1:
            return 1
        return max(1, int((1 - bucket.tokens) / self.rate) + 1)


def secure(response: web.StreamResponse, *, private: bool) -> None:
    """The headers of every answer; ``private``: a page behind a link (never cached)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if private:
        response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
