"""``por verify inclusion`` (the client) and ``por audit verify|cosign`` (the auditor)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from por.cli._output import print_result


@click.group()
def verify() -> None:
    """Checks a client runs: is my balance included in the published liabilities?"""


@verify.command("inclusion")
@click.argument("proof", type=click.Path(dir_okay=False))
@click.option("--bundle", "bundle", required=True, type=click.Path(exists=True),
              help="The epoch's public bundle directory, or just its manifest.json.")
@click.option("--operator-key", help="The operator's Ed25519 public key (hex or a .pub/.key file), obtained independently.")
@click.option("--account", "account_id",
              help="Your own account id: a proof whose leaf is bound to another id fails (client.account). "
                   "Without it the result names the proof's account id for you to check.")
@click.option("--json", "as_json", is_flag=True)
def inclusion(proof: str, bundle: str, operator_key: str | None, account_id: str | None, as_json: bool) -> None:
    """Verify one client's inclusion PROOF against the bundle (exit 0 included, 1 a check failed)."""
    from por.errors import UsageError
    from por.verify.client import verify_inclusion

    if account_id is not None and not 0 < len(account_id.encode("utf-8", "surrogateescape")) <= 1024:
        raise UsageError("--account must be 1..1024 bytes of UTF-8")
    res = verify_inclusion(proof, bundle=bundle, operator_key=operator_key, account_id=account_id)
    sys.exit(print_result(res, as_json))


@click.group()
def audit() -> None:
    """The auditor: verify a whole bundle, co-sign it."""


@audit.command("verify")
@click.argument("bundle", type=click.Path(exists=True, file_okay=False))
@click.option("--keys", "keyring", type=click.Path(dir_okay=False), help="A keyring (por-keyring/1) you trust.")
@click.option("--operator-key", help="The operator's Ed25519 public key (hex or file).")
@click.option("--previous", type=click.Path(file_okay=False), help="The previous epoch's bundle (log consistency).")
@click.option("--ledger", "ledger_url", help="Ledger URL, for the completeness check (with --master-secret).")
@click.option("--master-secret", type=click.Path(exists=True, dir_okay=False), help="The epoch's master secret file.")
@click.option("--openings", type=click.Path(dir_okay=False), help="The auditor-only openings of the root totals.")
@click.option("--schema", help="With --ledger on PostgreSQL: the ledger's schema (search_path).")
@click.option("--skip-ledger-replay", is_flag=True,
              help="With --ledger: do not replay the ledger itself (its signatures, chain and postings, as "
                   "por ledger verify does); only for a ledger you verified separately.")
@click.option("--executor", help="local, local:N or dask://HOST:PORT.")
@click.option("--quiet", is_flag=True, help="No progress display (it is drawn on a terminal's stderr only).")
@click.option("--reserves-config", "reserves_config", type=click.Path(dir_okay=False, exists=True),
              help="The governed reserves configuration (por-reserves-config/1 JSON) you hold: the manifest's "
                   "must be it.")
@click.option("--trust-bundle-keyring", is_flag=True,
              help="Without --keys/--reserves-config or --ledger: accept attestations, prices, co-signatures and "
                   "policies checked against the bundle's own keyring.json and reserves configuration, which the "
                   "operator writes (otherwise they fail as untrusted).")
@click.option("--json", "as_json", is_flag=True)
def audit_verify(bundle: str, keyring: str | None, operator_key: str | None, previous: str | None,
                 ledger_url: str | None, master_secret: str | None, openings: str | None, schema: str | None,
                 skip_ledger_replay: bool, executor: str | None, quiet: bool, reserves_config: str | None,
                 trust_bundle_keyring: bool, as_json: bool) -> None:
    """Verify every check of the epoch BUNDLE (exit 0 all passed, 1 a check failed, 2 unusable input)."""
    from por.cli._output import open_existing_ledger, require_ledger
    from por.cli.epoch import make_executor, progress_display
    from por.errors import UsageError
    from por.verify import verify_bundle

    if bool(ledger_url) != bool(master_secret):
        raise UsageError("--ledger and --master-secret go together (the completeness check needs both)")
    require_ledger(ledger_url, skip_ledger_replay=skip_ledger_replay, schema=schema)
    if ledger_url:  # unusable ledger input is exit 2 here, before any check runs
        open_existing_ledger(ledger_url, schema).close()
    from por.tree.secret_file import read_master_secret

    secret = read_master_secret(master_secret) if master_secret else None
    with progress_display(not quiet, stderr=True) as report:
        res = verify_bundle(bundle, keyring_path=keyring, operator_key=operator_key, previous=previous,
                            ledger_url=ledger_url, master_secret=secret, auditor_openings=openings,
                            ledger_integrity=not skip_ledger_replay, ledger_schema=schema,
                            trust_bundle_keyring=trust_bundle_keyring, reserves_config_path=reserves_config,
                            executor=make_executor(executor), progress=report)
    sys.exit(print_result(res, as_json))


@audit.command("cosign")
@click.argument("bundle", type=click.Path(file_okay=False, exists=True))
@click.option("--key", "key_path", required=True, type=click.Path(dir_okay=False, exists=True),
              help="The auditor's Ed25519 private key file.")
@click.option("--member", default="auditor", show_default=True, help="The auditor's member id.")
@click.option("--keys", "keyring", type=click.Path(dir_okay=False), help="A keyring you trust.")
@click.option("--operator-key", help="The operator's Ed25519 public key (hex or file).")
@click.option("--trust-bundle-keyring", is_flag=True, help="Co-sign although no --keys was given (see audit verify).")
def cosign(bundle: str, key_path: str, member: str, keyring: str | None, operator_key: str | None,
           trust_bundle_keyring: bool) -> None:
    """Verify BUNDLE, then add the auditor's co-signature to its manifest (refused if a check fails)."""
    from por.epoch.bundle import read_signed_manifest, write_signed_manifest
    from por.errors import EpochError
    from por.ledger import keys
    from por.verify import verify_bundle

    res = verify_bundle(bundle, keyring_path=keyring, operator_key=operator_key,
                        trust_bundle_keyring=trust_bundle_keyring)
    if not res.ok:
        print_result(res, False)
        raise EpochError(f"not co-signing: {len(res.failures)} check(s) failed")
    from por.errors import UsageError
    from por.verify.inputs import load_keyring

    key = keys.load(key_path)
    kr, _ = load_keyring(keyring, Path(bundle))
    known = kr.get(member)
    if known is None or not known.has_role("auditor") or known.ed25519_public_key is None \
            or known.ed25519_public_key.hex() != keys.public_key_hex(key):
        raise UsageError(f"{member!r} with this key is not an auditor in the keyring: not co-signing")
    m = read_signed_manifest(Path(bundle)).sign(key, "auditor", member)  # the body bytes as received
    write_signed_manifest(Path(bundle), m)
    click.echo(f"OK: {member} co-signed epoch {m.signed.epoch_id} (manifest {m.sha256[:16]}…)")
