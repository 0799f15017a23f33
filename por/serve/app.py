"""The proof service's ASGI application (docs/protocol.md §12).

Routes (GET and HEAD only):

- ``/v1/epochs``: the published epoch ids, ``{"epochs": [...]}`` (public);
- ``/v1/epochs/{epoch}/proof``: the bearer's own client proof, byte-identical to the published file
  (401 without a valid token; one 404 body for an unknown epoch, an unknown client or another
  client's id in ``?account=``; 429 over the per-token rate);
- ``/epochs/{epoch}/{file}``: the public bundles, read-only;
- ``/`` and ``/{file}``: the browser verifier's static files (package data ``por/serve/static``).

Every error body is ``{"error": "<sentence>"}``. :func:`app_from_env` is the factory uvicorn's
worker processes import (settings in ``POR_SERVE_SETTINGS``).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from por.errors import PorError
from por.serve import auth, files, limits
from por.serve.proofs import ProofSource

SETTINGS_ENV = "POR_SERVE_SETTINGS"
STATIC_DIR = Path(__file__).parent / "static"
NOT_FOUND = {"error": "not found"}
log = logging.getLogger("por.serve")


@dataclass(frozen=True, slots=True)
class Settings:
    workspace: str
    auth_key: str  # hex public key or a file holding it
    static_dir: str = str(STATIC_DIR)
    address_per_minute: int = 600
    address_burst: int = 120
    token_per_minute: int = 60
    token_burst: int = 20
    access_log: bool = True

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Settings:
        return cls(**json.loads(text))


def _error(status: int, error: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=status, headers={"cache-control": "no-store", **(headers or {})})


def create_app(settings: Settings) -> limits.ASGIApp:
    """The application with its middleware, for one worker process.

    Raises:
        UsageError: the auth key cannot be read.
    """
    public = auth.load_public(settings.auth_key)
    source = ProofSource(Path(settings.workspace))
    import por.tree  # noqa: F401  (loaded now, not on the first proof request)
    epochs_root = (source.root / "epochs").resolve()  # the root itself may be a link (another disk)
    static_root = Path(settings.static_dir).resolve()
    per_token = limits.RateLimiter(settings.token_per_minute, settings.token_burst)

    async def epochs(request: Request) -> Response:
        return JSONResponse({"epochs": source.published()}, headers={"cache-control": "no-cache"})

    async def proof(request: Request) -> Response:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        try:
            if scheme.lower() != "bearer":
                raise auth.AuthError("no bearer token")
            client = auth.check(token.strip(), public)
        except auth.AuthError as exc:
            log.info("401 on %s: %s", limits.redact(request.url.path), exc)
            return _error(401, "unauthorized", {"www-authenticate": 'Bearer realm="por", error="invalid_token"'})
        wait = per_token.hit(client)
        if wait > 0:
            return _error(429, "too many requests", {"retry-after": str(int(wait) + 1)})
        asked = request.query_params.get("account")
        if asked is not None and asked != client:
            return JSONResponse(NOT_FOUND, status_code=404, headers={"cache-control": "no-store"})
        try:
            data = await anyio.to_thread.run_sync(source.proof, request.path_params["epoch"], client)
        except PorError as exc:
            log.error("proof store fault: %s", exc.diagnostics())
            return _error(503, "proof store unavailable")
        if data is None:
            return JSONResponse(NOT_FOUND, status_code=404, headers={"cache-control": "no-store"})
        return Response(data, media_type="application/json",
                        headers={"cache-control": "no-store", "vary": "authorization"})

    async def bundle_file(request: Request) -> Response:
        epoch, rel = request.path_params["epoch"], request.path_params["file"]
        if not files.SEGMENT.fullmatch(epoch) or not (epochs_root / epoch / "manifest.json").is_file():
            raise HTTPException(404)
        return _serve(epochs_root, f"{epoch}/{rel}", request, "no-cache")

    async def static(request: Request) -> Response:
        rel = request.path_params.get("file") or "index.html"
        return _serve(static_root, rel, request, "no-cache")

    def _serve(root: Path, rel: str, request: Request, cache: str) -> Response:
        opened = files.open_under(root, rel)
        if opened is None:
            raise HTTPException(404)
        return files.file_response(opened, request.method, dict(request.headers), cache)

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 404:
            return JSONResponse(NOT_FOUND, status_code=404, headers={"cache-control": "no-store"})
        return _error(status, "method not allowed" if status == 405 else "request refused")

    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("internal error on %s: %s", limits.redact(request.url.path), type(exc).__name__)
        return _error(500, "internal error")

    app = Starlette(routes=[
        Route("/v1/epochs", epochs, methods=["GET"]),
        Route("/v1/epochs/{epoch}/proof", proof, methods=["GET"]),
        Route("/epochs/{epoch}/{file:path}", bundle_file, methods=["GET"]),
        Route("/", static, methods=["GET"]),
        Route("/{file:path}", static, methods=["GET"]),
    ], exception_handlers={HTTPException: not_found, Exception: server_error})
    per_address = limits.RateLimiter(settings.address_per_minute, settings.address_burst)
    return limits.Guard(app, per_address=per_address, log=settings.access_log)


def app_from_env() -> limits.ASGIApp:
    """The factory uvicorn workers call: settings from ``$POR_SERVE_SETTINGS`` (JSON)."""
    return create_app(Settings.from_json(os.environ[SETTINGS_ENV]))
