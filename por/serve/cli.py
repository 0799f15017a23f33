"""``por serve`` (run the proof service), ``por serve keygen``, ``por serve token CLIENT``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from por.errors import UsageError

_WS = click.option("--dir", "directory", default=".", show_default=True, type=click.Path(file_okay=False),
                   help="The operator's workspace (holding por.json).")


def _workspace(directory: str) -> Path:
    from por.epoch.workspace import Workspace

    return Workspace.load(directory).root


def log_config(access_log: bool) -> dict[str, Any]:
    """Logging for uvicorn and the service: one line each to stderr; uvicorn's own access log is off
    (it would print query strings), ours (``por.serve.access``) redacts."""
    handler = {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "por.serve": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "por.serve.access": {"handlers": ["stderr"] if access_log else [], "level": "INFO",
                                 "propagate": False},
        },
    }


@click.group(invoke_without_command=True)
@_WS
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--auth-key", help="The pinned auth public key (hex, or a file holding it) "
                                 "[default: DIR/keys/auth.pub].")
@click.option("--address-rate", default=600, show_default=True, type=click.IntRange(0),
              help="Requests a minute per client address and worker (0: no limit).")
@click.option("--token-rate", default=60, show_default=True, type=click.IntRange(0),
              help="Proof requests a minute per client (token subject) and worker (0: no limit).")
@click.option("--no-access-log", is_flag=True, help="Do not log requests.")
@click.pass_context
def serve(ctx: click.Context, directory: str, host: str, port: int, workers: int, auth_key: str | None,
          address_rate: int, token_rate: int, no_access_log: bool) -> None:
    """Serve the published bundles, the browser verifier (/) and each client's own proof
    (GET /v1/epochs/EPOCH/proof with a bearer token) from a workspace."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from por.serve import app as app_mod
    from por.serve.auth import PUBLIC_NAME

    root = _workspace(directory)
    key = auth_key or str(root / PUBLIC_NAME)
    if auth_key is None and not Path(key).is_file():
        raise UsageError(f"no auth key {key}: create one with `por serve keygen --dir {directory}` "
                         "or pass --auth-key")
    settings = app_mod.Settings(
        workspace=str(root), auth_key=key, address_per_minute=address_rate,
        address_burst=max(1, address_rate // 5), token_per_minute=token_rate,
        token_burst=max(1, token_rate // 3), access_log=not no_access_log)
    app_mod.create_app(settings)  # fail here, once, on a bad key or workspace
    os.environ[app_mod.SETTINGS_ENV] = settings.to_json()
    click.echo(f"por serve: http://{host}:{port}/ (workspace {root}, {workers} worker"
               f"{'s' if workers > 1 else ''})", err=True)
    uvicorn.run("por.serve.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                http="h11", loop="asyncio", lifespan="off", proxy_headers=False, server_header=False,
                access_log=False, log_config=log_config(not no_access_log),
                h11_max_incomplete_event_size=16 * 1024, limit_concurrency=1000,
                timeout_keep_alive=5, timeout_graceful_shutdown=5)


@serve.command()
@_WS
def keygen(directory: str) -> None:
    """Create the platform's auth keypair (DIR/keys/auth.key, 0600; DIR/keys/auth.pub)."""
    from por.serve.auth import keygen as make

    priv, pub = make(_workspace(directory))
    click.echo(f"auth key:        {priv} (private: the platform's login signs client tokens with it)")
    click.echo(f"auth public key: {pub} (pinned by por serve)")


@serve.command()
@click.argument("client")
@_WS
@click.option("--ttl", default=600, show_default=True, type=click.IntRange(1, 3600), help="Seconds the token lasts.")
def token(client: str, directory: str, ttl: int) -> None:
    """Mint a bearer token for CLIENT (an account id) with the workspace's auth key."""
    from por.ledger import keys
    from por.serve.auth import PRIVATE_NAME, mint

    path = _workspace(directory) / PRIVATE_NAME
    if not path.is_file():
        raise UsageError(f"no auth key {path}: create one with `por serve keygen --dir {directory}`")
    click.echo(mint(keys.load(path), client, ttl=ttl))
