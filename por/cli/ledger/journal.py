"""``por ledger`` journal commands: verify, migrate, head and log proofs (docs/protocol.md §10.3, §10.9)."""

from __future__ import annotations

import sys
from typing import Any

import click

from por.cli._output import print_result
from por.cli.ledger._common import _governors, _ledger, _obj, _out, _sign_opt, common
from por.errors import UsageError


@click.command("verify")
@click.option("--root", help="A published log root SIZE:HEX that the journal must extend.")
@common
def ledger_verify(root: str | None, as_json: bool) -> None:
    """Re-check every signature, the hash chain, postings, balances and the log root from scratch."""
    expected = None
    if root:
        try:
            size, hexroot = root.split(":", 1)
            expected = (int(size), hexroot.lower())
        except ValueError as exc:
            raise UsageError("--root takes SIZE:HEX") from exc
    from por.cli.epoch import progress_display

    o = _obj()
    with _ledger(o) as led, progress_display(stderr=True) as report:
        result = led.verify(expected, progress=report)
    sys.exit(print_result(result, as_json))


@click.command("migrate")
@_sign_opt
@common
def ledger_migrate(sign: tuple[str, ...], as_json: bool) -> None:
    """Move a format-1 journal to format 2 (entries sign their place; docs/protocol.md §10.3).

    Re-verifies the whole journal first; only if every check passes does a governor quorum sign the
    ``ledger.migrate`` entry restating the format-1 head. Exit 1 (nothing written) if it does not verify."""
    from por.errors import LedgerIntegrityError

    o = _obj()
    with _ledger(o) as led:
        try:
            r, result = led.migrate(_governors(o, sign))
        except LedgerIntegrityError as exc:
            click.echo(f"FAIL: ledger.migrate: {exc.diagnostics()}", err=True)
            sys.exit(1)
    _out(as_json, {"receipt": r.to_dict(), "verified": result.to_dict()},
         f"OK: journal re-verified ({len(result.checks)} checks) and migrated to format 2 at entry {r.seq}")


@click.command("head")
@common
def ledger_head(as_json: bool) -> None:
    """The last entry, the journal's format and the place the next pre-signed entry must be signed for."""
    o = _obj()
    with _ledger(o) as led:
        h = led.head()
        seq, prev = led.next_place()
        out = {"seq": h["seq"], "entry_hash": h["entry_hash"], "time": h["time"], "format": led.journal_format(),
               "next": {"seq": seq, "prev": prev}}
    _out(as_json, out, f"entry {h['seq']} ({h['entry_hash']}), format {out['format']}; sign the next entry for "
                       f"seq {seq}, prev {prev}")


@click.command("log-proof")
@click.option("--seq", type=int, help="Prove inclusion of this entry.")
@click.option("--old", "old_size", type=int, help="Prove consistency from this log size.")
@click.option("--size", type=int, help="Log size to prove against (default: current).")
@common
def ledger_log_proof(seq: int | None, old_size: int | None, size: int | None, as_json: bool) -> None:
    """Log root, and an inclusion (--seq) or consistency (--old) proof, as JSON."""
    o = _obj()
    with _ledger(o) as led:
        n, root = led.log_root(size)
        out: dict[str, Any] = {"size": n, "root": root}
        if seq is not None:
            out["inclusion"] = led.inclusion_proof(seq, n)
        if old_size is not None:
            out["consistency"] = led.consistency_proof(old_size, n)
    _out(True, out)
