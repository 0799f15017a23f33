"""Mutated client proofs: every field edited, bytes flipped, siblings swapped, proofs of another epoch.

Each mutation is a (name, bytes) pair: the bytes of a proof file an operator who lies (or a damaged
download) could hand the client. The agreement tests verify each with the Python verifier and with
the JavaScript one and require the same checks, in the same order, with the same verdicts.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator
from typing import Any

Path_ = tuple[Any, ...]


def _walk(doc: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    yield path, doc
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _walk(v, path + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _walk(v, path + (i,))


def _set(doc: Any, path: Path_, value: Any) -> Any:
    out = copy.deepcopy(doc)
    cur = out
    for k in path[:-1]:
        cur = cur[k]
    cur[path[-1]] = value
    return out


def _delete(doc: Any, path: Path_) -> Any:
    out = copy.deepcopy(doc)
    cur = out
    for k in path[:-1]:
        cur = cur[k]
    del cur[path[-1]]
    return out


def _name(path: Path_) -> str:
    return ".".join(str(p) for p in path) or "$"


def _is_b64(s: str) -> bool:
    try:
        return len(s) >= 64 and len(base64.b64decode(s, validate=True)) >= 48
    except ValueError:
        return False


def _flip(data: bytes, i: int, bit: int = 1) -> bytes:
    b = bytearray(data)
    b[i % len(b)] ^= bit
    return bytes(b)


def _edits(path: Path_, v: Any) -> Iterator[tuple[str, Any]]:
    """(what, new value) for one field; the sentinel _DELETE removes it."""
    yield "null", None
    if isinstance(v, bool):
        yield "not", not v
    elif isinstance(v, int):
        yield "plus1", v + 1
        yield "minus1", v - 1
        yield "negative", -1
        yield "as-string", str(v)
        yield "as-float", float(v)
        yield "as-bool", bool(v)
        yield "huge", 1 << 64
    elif isinstance(v, str):
        yield "empty", ""
        yield "as-int", 7
        yield "trailing-newline", v + "\n"
        if v.isdigit():
            yield "plus1", str(int(v) + 1)
            yield "negative", "-" + v
            yield "leading-zero", "0" + v
            yield "2^64", str(1 << 64)
            yield "as-int", int(v)
            yield "as-float", v + ".0"
        elif v and all(c in "0123456789abcdef" for c in v) and len(v) % 2 == 0:
            yield "flip-first-nibble", ("0" if v[0] != "0" else "1") + v[1:]
            yield "flip-last-byte", v[:-2] + format(int(v[-2:], 16) ^ 0x01, "02x")
            yield "upper", v.upper()
            yield "truncated", v[:-2]
            yield "extended", v + "00"
        elif _is_b64(v):
            raw = base64.b64decode(v)
            for i in (0, 5, 47, 48, 100, len(raw) // 2, len(raw) - 33, len(raw) - 1):
                yield f"flip-byte-{i % len(raw)}", base64.b64encode(_flip(raw, i)).decode()
            yield "truncated", base64.b64encode(raw[:-1]).decode()
            yield "extended", base64.b64encode(raw + b"\x00").decode()
            yield "no-padding", v.rstrip("=") if v.endswith("=") else v[:-1]
            yield "not-base64", "*" + v[1:]
        else:
            yield "changed", v + "x"
            yield "upper", v.upper()
    elif isinstance(v, list):
        yield "empty", []
        yield "as-object", {}
        if v:
            yield "drop-last", v[:-1]
            yield "duplicate-last", v + [v[-1]]
        if len(v) >= 2:
            yield "swap-first-two", [v[1], v[0]] + v[2:]
    elif isinstance(v, dict):
        yield "empty", {}
        yield "as-list", []
        yield "as-string", "x"


_DELETE = object()


def mutations(doc: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every field of a proof edited in every way _edits knows, every key deleted, and the structural
    swaps (siblings between levels, sibling children, blocks, columns)."""
    out: list[tuple[str, Any]] = []
    for path, v in _walk(doc):
        if not path:
            continue
        for what, new in _edits(path, v):
            out.append((f"{_name(path)}:{what}", _set(doc, path, new)))
        if isinstance(path[-1], str):
            out.append((f"{_name(path)}:deleted", _delete(doc, path)))
    path = doc.get("path", [])
    h = len(path)
    for a in range(h):
        for b in range(a + 1, h):
            d = copy.deepcopy(doc)
            d["path"][a]["sibling"], d["path"][b]["sibling"] = d["path"][b]["sibling"], d["path"][a]["sibling"]
            out.append((f"swap-siblings-{a}-{b}", d))
            if "block" in path[a]:
                d = copy.deepcopy(doc)
                d["path"][a]["block"], d["path"][b]["block"] = d["path"][b]["block"], d["path"][a]["block"]
                out.append((f"swap-blocks-{a}-{b}", d))
        if a > 0:
            d = copy.deepcopy(doc)
            ch = d["path"][a]["sibling"]["children"]
            ch[0], ch[1] = ch[1], ch[0]
            out.append((f"swap-children-{a}", d))
    for extra in ("unknown_field", "manifest_sha256"):
        out.append((f"added-{extra}", {**copy.deepcopy(doc), extra: "x" * 64}))
    out.append(("not-an-object", [doc]))
    return out


def proof_bytes(doc: Any) -> bytes:
    return json.dumps(doc, sort_keys=True, indent=1).encode()


RAW_MUTATIONS: list[tuple[str, bytes]] = [
    ("raw:empty", b""),
    ("raw:not-json", b"{not json"),
    ("raw:bom", b"\xef\xbb\xbf{}"),
    ("raw:latin1", b'{"format": "\xe9"}'),
    ("raw:nan", b'{"format": NaN}'),
    ("raw:number", b"12"),
    ("raw:trailing", b"{} {}"),
]


def byte_flips(data: bytes, count: int = 200, seed: int = 17) -> list[tuple[str, bytes]]:
    """Raw damage to the file's bytes (seeded): one bit flipped, one byte replaced by a JSON-significant
    character, or a byte deleted, at positions spread over the whole file (the parser's agreement too)."""
    import random

    rng = random.Random(seed)
    specials = b'"\\{}[],:0123456789-.eE \n\tnulltruefalseNaN\x00\xff\xc3'
    out = []
    for i in range(count):
        pos = rng.randrange(len(data))
        b = bytearray(data)
        kind = i % 3
        if kind == 0:
            b[pos] ^= 1 << rng.randrange(8)
        elif kind == 1:
            b[pos] = specials[rng.randrange(len(specials))]
        else:
            del b[pos]
        out.append((f"raw:{['bit', 'byte', 'delete'][kind]}@{pos}", bytes(b)))
    return out
