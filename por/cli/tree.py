"""``por tree build|verify|proof|verify-proof``: the liabilities tree, thin over :mod:`por.tree`.

Input for ``build`` is a CSV file whose header is ``account,ASSET:kind,...`` (kind ``equity`` or
``debt``), one row per account, integer amounts in minor units. The epoch master secret is read from
a file holding at least 32 bytes as hex (:mod:`por.tree.secret_file`, the epoch pipeline's format too).
Exit status: 0 all checks passed, 1 a check failed, 2 unusable input.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from por.canonical import parse_json
from por.cli._output import print_json, print_result
from por.errors import TreeError, UsageError
from por.result import Result
from por.tree import (
    DEFAULT_BLOCK_SIZES,
    DEFAULT_PROOF_ENCODING,
    TreeInfo,
    build_tree,
    client_proof,
    verify_client_proof,
    verify_tree,
    write_client_proofs,
)
from por.tree.secret_file import read_master_secret

_INT = re.compile(r"^[0-9]+\Z")


def _json_arg(value: str | None, what: str) -> dict[str, int] | None:
    if value is None:
        return None
    try:
        text = Path(value).read_text() if Path(value).is_file() else value
        data = parse_json(text)
        return {str(k): int(v) for k, v in data.items()}
    except (ValueError, AttributeError, TypeError) as exc:
        raise UsageError(f"{what}: expected a JSON object of integers (or a file holding one): {exc}") from None


def _read_csv(path: str) -> tuple[list[tuple[str, str]], Iterator[tuple[str, tuple[int, ...]]]]:
    fh = open(path, newline="")  # noqa: SIM115 - closed by the generator
    reader = csv.reader(fh)
    try:
        header = next(reader)
    except StopIteration:
        fh.close()
        raise UsageError(f"{path}: empty file") from None
    if not header or header[0].strip() != "account":
        fh.close()
        raise UsageError(f"{path}: the header must start with 'account'")
    columns = []
    for h in header[1:]:
        asset, _, kind = h.strip().partition(":")
        columns.append((asset, kind))

    def rows() -> Iterator[tuple[str, tuple[int, ...]]]:
        with fh:
            for n, row in enumerate(reader, start=2):
                if not row:
                    continue
                if len(row) != len(header):
                    raise TreeError(f"{path} line {n}: {len(row)} fields, the header has {len(header)}")
                vals = []
                for x in row[1:]:
                    x = x.strip()
                    if x.startswith("-") and _INT.match(x[1:]):
                        vals.append(-int(x[1:]))
                    elif _INT.match(x):
                        vals.append(int(x))
                    else:
                        raise TreeError(f"{path} line {n}: account {row[0]!r}: {x!r} is not an integer amount")
                yield row[0], tuple(vals)

    return columns, rows()


@click.group()
def tree() -> None:
    """Build and verify the liabilities tree (Merkle sum tree of Pedersen commitments)."""


@tree.command()
@click.option("--input", "input_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="CSV: account,ASSET:kind,...")
@click.option("--epoch", "epoch_id", required=True, help="Epoch id.")
@click.option("--secret-file", required=True, type=click.Path(exists=True, dir_okay=False),
              help="File with the epoch master secret (hex, >= 32 bytes).")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Output directory.")
@click.option("--mode", type=click.Choice(["committed", "plain"]), default="committed", show_default=True)
@click.option("--block-size", type=int, default=None,
              help=f"Nodes per range-proof block, a power of two (default: {DEFAULT_BLOCK_SIZES['linear']} "
                   f"for linear proofs, {DEFAULT_BLOCK_SIZES['compressed']} for compressed).")
@click.option("--proofs", type=click.Choice(["linear", "compressed"]), default=DEFAULT_PROOF_ENCODING,
              show_default=True, help="Range-proof encoding (recorded in the store).")
@click.option("--min-height", type=int, default=0, show_default=True)
@click.option("--prices", help="JSON {asset: price x 10^8} or a file holding it (needed with debt columns).")
@click.option("--haircuts", help="JSON {asset: haircut in bps} or a file holding it.")
@click.option("--context", "context_hex", default="", help="Extra proof context, hex (e.g. the epoch nonce).")
@click.option("--workers", type=int, default=None, help="Worker processes (default: all cores).")
@click.option("--json", "as_json", is_flag=True, help="Print the tree info as JSON.")
def build(input_path: str, epoch_id: str, secret_file: str, out_dir: str, mode: str, block_size: int | None,
          proofs: str, min_height: int, prices: str | None, haircuts: str | None, context_hex: str, workers: int | None,
          as_json: bool) -> None:
    """Build, prove and store one epoch's tree into OUT (tree.sqlite + private operator files)."""
    from por.parallel import LocalExecutor, SerialExecutor

    try:
        context = bytes.fromhex(context_hex)
    except ValueError:
        raise UsageError("--context must be hex") from None
    columns, rows = _read_csv(input_path)
    ex: Any = SerialExecutor() if workers == 1 else LocalExecutor(workers)
    kwargs: dict[str, Any] = dict(epoch_id=epoch_id, master_secret=read_master_secret(secret_file), out_dir=Path(out_dir),
                                  mode=mode, block_size=block_size, min_height=min_height,
                                  prices=_json_arg(prices, "--prices"), haircuts_bps=_json_arg(haircuts, "--haircuts"),
                                  context=context, executor=ex, proof_encoding=proofs)
    try:
        if as_json or not sys.stderr.isatty():
            info = build_tree(columns, rows, **kwargs)
        else:
            with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                          TimeElapsedColumn(), transient=True) as bar:
                tasks: dict[str, Any] = {}

                def progress(stage: str, done: int, total: int) -> None:
                    if stage not in tasks:
                        tasks[stage] = bar.add_task(stage, total=total or None)
                    bar.update(tasks[stage], completed=done, total=total or None)

                info = build_tree(columns, rows, progress=progress, **kwargs)
    finally:
        close = getattr(ex, "close", None)
        if close:
            close()
    (Path(out_dir) / "tree-info.json").write_text(json.dumps(info.to_dict(), indent=2, sort_keys=True) + "\n")
    if as_json:
        print_json(info.to_dict())
    else:
        click.echo(f"OK: {info.mode} tree of {info.leaf_count} accounts, height {info.height}, "
                   f"root {info.root_hash} -> {out_dir}")


@tree.command()
@click.argument("store", type=click.Path())
@click.option("--expected", type=click.Path(exists=True, dir_okay=False),
              help="Tree info JSON (or a manifest's tree section) the store must match.")
@click.option("--prices", help="JSON {asset: price x 10^8} (default: those recorded in the store).")
@click.option("--haircuts", help="JSON {asset: bps} (default: those recorded in the store).")
@click.option("--workers", type=int, default=None)
@click.option("--json", "as_json", is_flag=True)
def verify(store: str, expected: str | None, prices: str | None, haircuts: str | None, workers: int | None,
           as_json: bool) -> None:
    """Recompute the whole tree in STORE (a directory or tree.sqlite) and verify every proof."""
    from por.parallel import LocalExecutor, SerialExecutor

    exp: Any = None
    if expected:
        try:
            exp = parse_json(Path(expected).read_bytes())
        except ValueError as exc:
            raise UsageError(f"{expected}: not JSON ({exc})") from None
    ex: Any = SerialExecutor() if workers == 1 else (LocalExecutor(workers) if workers else None)
    from por.cli.epoch import progress_display

    try:
        with progress_display(stderr=True) as report:
            res = verify_tree(store, expected=exp, prices=_json_arg(prices, "--prices"),
                              haircuts_bps=_json_arg(haircuts, "--haircuts"), executor=ex, progress=report)
    finally:
        if ex is not None and hasattr(ex, "close"):
            ex.close()
    sys.exit(print_result(res, as_json))


@tree.command()
@click.argument("out_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--secret-file", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--account", "accounts", multiple=True, help="Account id (repeatable); default: all.")
@click.option("--dest", type=click.Path(file_okay=False), help="Write <account>.json files here.")
@click.option("--manifest-sha256", help="Manifest hash to record in each proof.")
def proof(out_dir: str, secret_file: str, accounts: tuple[str, ...], dest: str | None,
          manifest_sha256: str | None) -> None:
    """Client inclusion proofs from a built tree: one account to stdout, or files into --dest."""
    secret = read_master_secret(secret_file)
    if dest:
        n = write_client_proofs(out_dir, dest, master_secret=secret, manifest_sha256=manifest_sha256,
                                accounts=accounts or None)
        click.echo(f"OK: wrote {n} client proof(s) to {dest}")
        return
    if len(accounts) != 1:
        raise UsageError("give exactly one --account, or --dest for files")
    print_json(client_proof(out_dir, accounts[0], master_secret=secret, manifest_sha256=manifest_sha256))


@tree.command("verify-proof")
@click.argument("proof_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--root-hash", help="The published root hash (from the signed manifest).")
@click.option("--expected", type=click.Path(exists=True, dir_okay=False),
              help="Tree info JSON giving the root hash, root columns and epoch.")
@click.option("--epoch", "epoch_id", help="The epoch you expect.")
@click.option("--account", "account_id", help="Your account id: a proof bound to another id fails (client.account).")
@click.option("--json", "as_json", is_flag=True)
def verify_proof(proof_file: str, root_hash: str | None, expected: str | None, epoch_id: str | None,
                 account_id: str | None, as_json: bool) -> None:
    """Check a client inclusion proof file against the published root."""
    root_cols = None
    desc: dict[str, Any] | None = None
    if expected:
        try:
            info = TreeInfo.from_dict(parse_json(Path(expected).read_bytes()))
        except ValueError as exc:
            raise UsageError(f"{expected}: not JSON ({exc})") from None
        root_hash = root_hash or info.root_hash
        root_cols = list(info.root)
        epoch_id = epoch_id or info.epoch_id
        desc = info.to_dict()
    try:
        data: Any = parse_json(Path(proof_file).read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        res = Result("client inclusion proof")
        res.failed("client.format", f"{proof_file} is not valid JSON ({exc})")
        sys.exit(print_result(res, as_json))
    res = verify_client_proof(data, root_hash=root_hash, root_commitments=root_cols, epoch_id=epoch_id,
                              account_id=account_id, expected=desc,
                              columns=None if desc is None else desc["columns"])
    sys.exit(print_result(res, as_json))
