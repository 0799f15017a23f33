"""Leaf secrets, leaf ids, blindings, shuffle keys and the leaf/node hashes (docs/protocol.md).

Byte layouts (``||`` is concatenation, ``u32be``/``u64be``/``u128be`` fixed-width big-endian):

- ``prk = HKDF-Extract(salt = utf8(epoch id), ikm = master secret)`` (HKDF-SHA256, RFC 5869);
- leaf secret ``s = HKDF-Expand(prk, info = "por/v1/leaf" || utf8(account id), 32)``;
- padding secret ``s = HKDF-Expand(prk, info = "por/v1/pad" || u64be(i), 32)`` for the i-th pad;
- shuffle key ``k = HKDF-Expand(prk, info = "por/v1/shuffle", 32)``;
- proof key ``HKDF-Expand(prk, info = "por/v1/proof-randomness", 32)``: keys the range and collateral
  proofs' blinding randomness (prover-side only; see :func:`proof_key`);
  sort key of an account ``HMAC-SHA256(k, 0x00 || utf8(account id))``, of pad i
  ``HMAC-SHA256(k, 0x01 || u64be(i))``; leaves are placed in ascending order of sort key;
- solvency proof key ``HKDF-Expand(prk, info = "por/v1/solvency-randomness", 32)``: keys the solvency
  proofs' randomness (prover-side only; see :func:`solvency_key`, docs/protocol.md §8.7);
- leaf id (leaf format ``por-leaf/2``) of an account ``SHA-256("por/v2/leaf-id" || 0x00 ||
  lp(utf8(account id)) || s)``, of pad i ``SHA-256("por/v2/leaf-id" || 0x01 || u64be(i) || s)``: the
  leaf binds the account it belongs to, so two accounts can never share one leaf (the leaf format 1,
  ``SHA-256("por/v1/leaf-id" || s)``, did not, and is refused by every verifier);
- blinding of column c ``hash_to_scalar(s || u32be(c), DST = "por/v1/tree/blinding")``;
- committed leaf hash ``SHA-256(0x00 || "por/v1/leaf" || leaf id || C_1 || ... || C_k)``;
- committed node hash ``SHA-256(0x01 || "por/v1/node" || h_left || h_right || C_1 || ... || C_k)``;
- plain leaf hash ``SHA-256(0x00 || "por/v1/plain-leaf" || leaf id || u128be(v_1) || ... )``;
- plain node hash ``SHA-256(0x01 || "por/v1/plain-node" || h_left || h_right || u128be(S_1) || ...)``.

``C_c`` are 48-byte compressed commitments. HKDF is computed once with ``cryptography``
(:func:`leaf_secret_reference`) and, in the builder's hot loop, as the identical HMAC computation.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from por.bundle.tree import LEAF_FORMAT as LEAF_FORMAT
from por.bundle.tree import MODES as MODES
from por.bundle.tree import OLD_LEAF_FORMATS as OLD_LEAF_FORMATS
from por.bundle.tree import block_size_problem as block_size_problem
from por.bundle.tree import leaf_format_problem as leaf_format_problem
from por.crypto.scalar import hash_to_scalar
from por.errors import UsageError

LEAF_INFO = b"por/v1/leaf"
PAD_INFO = b"por/v1/pad"
SHUFFLE_INFO = b"por/v1/shuffle"
PROOF_INFO = b"por/v1/proof-randomness"
SOLVENCY_INFO = b"por/v1/solvency-randomness"
LEAF_ID_LABEL = b"por/v2/leaf-id"
ACCOUNT_TAG = b"\x00"
PAD_TAG = b"\x01"
BLINDING_DST = b"por/v1/tree/blinding"
LEAF_PREFIX = {"committed": b"\x00por/v1/leaf", "plain": b"\x00por/v1/plain-leaf"}
NODE_PREFIX = {"committed": b"\x01por/v1/node", "plain": b"\x01por/v1/plain-node"}
SECRET_BYTES = 32
HASH_BYTES = 32
POINT_BYTES = 48
SUM_BYTES = 16  # plain-mode sums: u128be
MIN_MASTER_SECRET = 32
MAX_ACCOUNT_BYTES = 1024


def column_width(mode: str) -> int:
    """Bytes per column in a node record: a commitment (48) or a u128be sum (16)."""
    return POINT_BYTES if mode == "committed" else SUM_BYTES


def check_master(master_secret: bytes, epoch_id: str) -> None:
    if not isinstance(master_secret, (bytes, bytearray)) or len(master_secret) < MIN_MASTER_SECRET:
        raise UsageError(f"the epoch master secret must be at least {MIN_MASTER_SECRET} bytes")
    if not isinstance(epoch_id, str) or not epoch_id:
        raise UsageError("the epoch id must be a non-empty string")


def account_bytes(account_id: str) -> bytes:
    b = account_id.encode("utf-8")
    if not 0 < len(b) <= MAX_ACCOUNT_BYTES:
        raise UsageError(f"account id must be 1..{MAX_ACCOUNT_BYTES} bytes of UTF-8")
    return b


def prk(master_secret: bytes, epoch_id: str) -> bytes:
    """HKDF-Extract(salt = epoch id, ikm = master secret)."""
    return hmac.digest(epoch_id.encode("utf-8"), bytes(master_secret), "sha256")


def _expand(prk_: bytes, info: bytes) -> bytes:
    # HKDF-Expand for L = 32 = HashLen: T(1) = HMAC(prk, info || 0x01)
    return hmac.digest(prk_, info + b"\x01", "sha256")


def leaf_secret_from_prk(prk_: bytes, account_id: str) -> bytes:
    return _expand(prk_, LEAF_INFO + account_bytes(account_id))


def leaf_secret(master_secret: bytes, epoch_id: str, account_id: str) -> bytes:
    """s = HKDF(master secret, salt = epoch id, info = "por/v1/leaf" || account id), 32 bytes."""
    return leaf_secret_from_prk(prk(master_secret, epoch_id), account_id)


def leaf_secret_reference(master_secret: bytes, epoch_id: str, account_id: str) -> bytes:
    """The same leaf secret through ``cryptography``'s HKDF (the normative definition)."""
    return HKDF(algorithm=hashes.SHA256(), length=SECRET_BYTES, salt=epoch_id.encode("utf-8"),
                info=LEAF_INFO + account_bytes(account_id)).derive(bytes(master_secret))


def pad_secret_from_prk(prk_: bytes, i: int) -> bytes:
    return _expand(prk_, PAD_INFO + i.to_bytes(8, "big"))


def shuffle_key(prk_: bytes) -> bytes:
    return _expand(prk_, SHUFFLE_INFO)


def proof_key(master_secret: bytes, epoch_id: str) -> bytes:
    """The key of the tree proofs' randomness: the proofs become a function of the master secret and
    what they prove, so any executor, or a re-run after a crash, writes the same bytes."""
    return _expand(prk(master_secret, epoch_id), PROOF_INFO)


def solvency_key(master_secret: bytes, epoch_id: str) -> bytes:
    """The key of the solvency proofs' randomness (docs/protocol.md §7.2, §8.7): like :func:`proof_key`,
    a re-run writes the same proofs; its own label keeps it independent of every tree key."""
    check_master(master_secret, epoch_id)
    return _expand(prk(master_secret, epoch_id), SOLVENCY_INFO)


def sort_key_account(key: bytes, account_id: str) -> bytes:
    return hmac.digest(key, b"\x00" + account_bytes(account_id), "sha256")


def sort_key_pad(key: bytes, i: int) -> bytes:
    return hmac.digest(key, b"\x01" + i.to_bytes(8, "big"), "sha256")


def leaf_id(account_id: str, s: bytes) -> bytes:
    """The leaf id of an account: ``SHA-256("por/v2/leaf-id" || 0x00 || lp(utf8(account id)) || s)``."""
    return hashlib.sha256(LEAF_ID_LABEL + ACCOUNT_TAG + _lp(account_bytes(account_id)) + s).digest()


def pad_leaf_id(i: int, s: bytes) -> bytes:
    """The leaf id of padding leaf i: ``SHA-256("por/v2/leaf-id" || 0x01 || u64be(i) || s)``."""
    return hashlib.sha256(LEAF_ID_LABEL + PAD_TAG + i.to_bytes(8, "big") + s).digest()


def leaf_id_prefix(key: str | int) -> bytes:
    """What the leaf id hashes before ``s`` for an account id (str) or a padding index (int)."""
    if isinstance(key, str):
        return LEAF_ID_LABEL + ACCOUNT_TAG + _lp(key.encode("utf-8"))
    return LEAF_ID_LABEL + PAD_TAG + key.to_bytes(8, "big")


def leaf_id_of(key: str | int, s: bytes) -> bytes:
    """:func:`leaf_id` of an account id (str) or :func:`pad_leaf_id` of a padding index (int)."""
    return hashlib.sha256(leaf_id_prefix(key) + s).digest()


def blinding(s: bytes, column: int) -> int:
    return hash_to_scalar(s + column.to_bytes(4, "big"), BLINDING_DST)


def blindings(s: bytes, k: int) -> tuple[int, ...]:
    return tuple(blinding(s, c) for c in range(k))


def encode_sum(v: int) -> bytes:
    return v.to_bytes(SUM_BYTES, "big")


def leaf_hash(mode: str, lid: bytes, cols: bytes) -> bytes:
    """``cols`` is the concatenation of the k column encodings (commitments or u128be sums)."""
    return hashlib.sha256(LEAF_PREFIX[mode] + lid + cols).digest()


def node_hash(mode: str, left: bytes, right: bytes, cols: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX[mode] + left + right + cols).digest()


# ---- proof contexts (what a range-proof block or collateral proof is bound to) ------------------

NODE_RANGE_CONTEXT = b"por/v1/tree/node-range"
COLLATERAL_CONTEXT = b"por/v1/tree/collateral"


def _lp(b: bytes) -> bytes:
    return len(b).to_bytes(4, "big") + b


def block_context(epoch_id: str, context: bytes, height: int, level: int, block: int) -> bytes:
    """``"por/v1/tree/node-range" || lp(epoch id) || lp(context) || u8(H) || u8(level) || u64be(block)``
    with ``lp(x) = u32be(len(x)) || x``: a block cannot move to another position, tree or epoch."""
    return (NODE_RANGE_CONTEXT + _lp(epoch_id.encode("utf-8")) + _lp(context)
            + bytes([height, level]) + block.to_bytes(8, "big"))


def collateral_context(epoch_id: str, context: bytes, height: int, position: int) -> bytes:
    """``"por/v1/tree/collateral" || lp(epoch id) || lp(context) || u8(H) || u64be(position)``."""
    return (COLLATERAL_CONTEXT + _lp(epoch_id.encode("utf-8")) + _lp(context)
            + bytes([height]) + position.to_bytes(8, "big"))


def level_block_size(block_size: int, height: int, level: int) -> int:
    """Nodes per range-proof block at ``level``: B, or the whole level when it is smaller."""
    return min(block_size, 1 << (height - level))


def unit_bits_for(height: int, unit_bits: int) -> int:
    """Leaves per work unit (log2): at most ``unit_bits``, and small enough that a tree of more than
    64 leaves splits into at least 8 units, so that every core has work even on a small tree."""
    if height <= 6:
        return min(height, unit_bits)
    return min(unit_bits, height - 3)

