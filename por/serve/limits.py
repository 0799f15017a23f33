"""Request bounds, rate limits, security headers and the access log (docs/protocol.md §12.4).

:class:`Guard` is the outermost ASGI middleware. Before the application sees a request it refuses:
an over-long target (414), too many or too large headers (431), a method other than GET/HEAD (405,
so no CORS preflight succeeds), any request body (413), and an address over its rate (429). Every
response, refusals included, carries :data:`SECURITY_HEADERS` and no ``Access-Control-*`` header.
The access log line names the address, method, path without its query, status, size and time;
anything shaped like a JWT is replaced by ``[token]``, and the ``Authorization`` header is never
logged, so tokens never reach a log.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = ("default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [(k.encode(), v.encode()) for k, v in (
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()"),
)]
MAX_TARGET = 1024
MAX_HEADERS = 48
MAX_HEADER_BYTES = 8192
MAX_BODY = 0
ACCESS_LOG = "por.serve.access"
_JWT_LIKE = re.compile(r"eyJ[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*)*|[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]*")


class RateLimiter:
    """Token buckets per key: ``per_minute`` requests a minute, bursts of ``burst``; 0 turns it off.

    Each worker process keeps its own buckets (with N workers an address may get up to N times the
    rate); the table is bounded, the least recently seen keys dropped first.
    """

    def __init__(self, per_minute: int, burst: int, max_keys: int = 100_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(max(1, burst))
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def hit(self, key: str, now: float | None = None) -> float:
        """Take one request for ``key``: 0 if allowed, else the seconds until one is."""
        if self.rate <= 0:
            return 0.0
        t = time.monotonic() if now is None else now
        tokens, last = self._buckets.pop(key, (self.burst, t))
        tokens = min(self.burst, tokens + (t - last) * self.rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.rate
        self._buckets[key] = (tokens, t)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait


def redact(text: str) -> str:
    return _JWT_LIKE.sub("[token]", text)


async def send_error(send: Send, status: int, error: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    """A JSON error response ``{"error": ...}`` (no store)."""
    body = json.dumps({"error": error}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"), *(extra or [])]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """The outermost middleware (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, per_address: RateLimiter, log: bool = True) -> None:
        self.app = app
        self.per_address = per_address
        self.log = logging.getLogger(ACCESS_LOG) if log else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        status_size = [0, 0]

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_size[0] = message["status"]
                headers = [(k, v) for k, v in message.get("headers", [])
                           if not k.lower().startswith(b"access-control-") and k.lower() != b"server"]
                message["headers"] = headers + SECURITY_HEADERS
            elif message["type"] == "http.response.body":
                status_size[1] += len(message.get("body", b""))
            await send(message)

        try:
            refusal = self._refusal(scope)
            if refusal is not None:
                await send_error(secured, *refusal)
            else:
                await self.app(scope, receive, secured)
        finally:
            if self.log is not None:
                client = scope.get("client") or ("-", 0)
                path = redact(scope.get("path", ""))[:MAX_TARGET]
                self.log.info('%s "%s %s" %d %d %.1fms', client[0], scope.get("method", "-"), path,
                              status_size[0], status_size[1], (time.perf_counter() - t0) * 1000)

    def _refusal(self, scope: Scope) -> tuple[int, str, list[tuple[bytes, bytes]]] | None:
        raw = scope.get("raw_path") or scope.get("path", "").encode()
        if len(raw) + len(scope.get("query_string", b"")) > MAX_TARGET:
            return 414, "request target too long", []
        headers = scope.get("headers", [])
        if len(headers) > MAX_HEADERS or sum(len(k) + len(v) for k, v in headers) > MAX_HEADER_BYTES:
            return 431, "request headers too large", []
        if scope.get("method") not in ("GET", "HEAD"):
            return 405, "method not allowed", [(b"allow", b"GET, HEAD")]
        for k, v in headers:
            if k == b"transfer-encoding" or (k == b"content-length" and not (v.strip().isdigit()
                                                                           and int(v) <= MAX_BODY)):
                return 413, "request body not accepted", []
        client = scope.get("client")
        wait = self.per_address.hit(client[0] if client else "-")
        if wait > 0:
            return 429, "too many requests", [(b"retry-after", str(int(wait) + 1).encode())]
        return None
