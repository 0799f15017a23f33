"""``por member``: members, roles and keys; changes carry a quorum of governor signatures
(docs/protocol.md §10.4)."""

from __future__ import annotations

import os

import click

from por.cli.ledger._common import _governors, _ledger, _obj, _out, _sign_opt, _signer, common


@click.group()
def member() -> None:
    """Members, roles and keys (changes need a quorum of governor signatures)."""


@member.command("list")
@common
def member_list(as_json: bool) -> None:
    o = _obj()
    with _ledger(o) as led:
        ms = led.members()
    _out(as_json, ms, "\n".join(f"{m['id']:<20} {m['status']:<8} {','.join(m['roles']):<30} {m['ed25519']}" for m in ms))


@member.command("keygen")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--passphrase-env", help="Environment variable holding a passphrase to encrypt the key.")
@click.option("--json", "as_json", is_flag=True)
def member_keygen(path: str, passphrase_env: str | None, as_json: bool) -> None:
    """Generate an Ed25519 key file (0600) and print its public key."""
    from por.ledger import keys

    k = keys.generate()
    keys.save(k, path, os.environ.get(passphrase_env) if passphrase_env else None)
    _out(as_json, {"path": path, "public_key": keys.public_key_hex(k)}, keys.public_key_hex(k))


@member.command("add")
@click.argument("member_id")
@click.option("--role", "roles", multiple=True, required=True)
@click.option("--public-key", required=True, help="Ed25519 public key hex.")
@_sign_opt
@common
def member_add(member_id: str, roles: tuple[str, ...], public_key: str, sign: tuple[str, ...], as_json: bool) -> None:
    o = _obj()
    with _ledger(o) as led:
        r = led.add_member(_governors(o, sign), member_id, list(roles), public_key)
    _out(as_json, r.to_dict(), f"OK: member {member_id} added (entry {r.seq})")


@member.command("revoke")
@click.argument("member_id")
@_sign_opt
@common
def member_revoke(member_id: str, sign: tuple[str, ...], as_json: bool) -> None:
    o = _obj()
    with _ledger(o) as led:
        r = led.revoke_member(_governors(o, sign), member_id)
    _out(as_json, r.to_dict(), f"OK: member {member_id} revoked (entry {r.seq})")


@member.command("roles")
@click.argument("member_id")
@click.option("--role", "roles", multiple=True, required=True)
@_sign_opt
@common
def member_roles(member_id: str, roles: tuple[str, ...], sign: tuple[str, ...], as_json: bool) -> None:
    o = _obj()
    with _ledger(o) as led:
        r = led.set_roles(_governors(o, sign), member_id, list(roles))
    _out(as_json, r.to_dict(), f"OK: roles of {member_id} set (entry {r.seq})")


@member.command("rotate")
@click.argument("member_id")
@click.option("--public-key", required=True, help="The new Ed25519 public key hex.")
@_sign_opt
@common
def member_rotate(member_id: str, public_key: str, sign: tuple[str, ...], as_json: bool) -> None:
    """Rotate a key: signed by the member's current key (--as/--key) or by governors (--sign)."""
    o = _obj()
    with _ledger(o) as led:
        signers = [_signer(o)] if o.get("key") and not sign else _governors(o, sign)
        r = led.rotate_key(signers, member_id, public_key)
    _out(as_json, r.to_dict(), f"OK: key of {member_id} rotated (entry {r.seq})")


@member.command("set-bls")
@click.argument("member_id")
@click.option("--bls-public-key", required=True)
@click.option("--pop", required=True, help="BLS proof of possession hex.")
@_sign_opt
@common
def member_set_bls(member_id: str, bls_public_key: str, pop: str, sign: tuple[str, ...], as_json: bool) -> None:
    o = _obj()
    with _ledger(o) as led:
        signers = [_signer(o)] if o.get("key") and not sign else _governors(o, sign)
        r = led.set_bls_key(signers, member_id, bls_public_key, pop)
    _out(as_json, r.to_dict(), f"OK: BLS key of {member_id} recorded (entry {r.seq})")
