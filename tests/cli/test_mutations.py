"""Issue 15 item 5: no mutation of a bundle or of a client proof gets past the verifiers' command line.

One small demo (``por demo``, a dozen clients) is built per module. Hypothesis then damages its
published bundle and its client proofs and runs ``por audit verify`` (docs/protocol.md §9.5) and
``por verify inclusion`` (§7.10) in-process, through ``por.cli.main.main`` itself (its handling of
``PorError`` and database errors included). For every case: nothing escapes as an exception, no
traceback is printed, and the exit status is 1 (a check failed) or 2 (unusable input), never 0.

Three kinds of damage:

- bytes: flips, truncations, extensions, insertions and deletions in any listed file and in
  ``manifest.json`` (a careless copy, a broken disk, a man in the middle);
- structure: fields deleted, retyped, swapped, set to bools, huge or negative integers, hex of the
  wrong length, unicode, deep nesting, in any JSON document of the bundle and in client proofs;
- the lying operator: the same edits (and edits of rows of ``tree.sqlite``), then the manifest
  listed again and RE-SIGNED with the operator's key, so that the signature and the file hashes
  hold and only the later checks can catch the lie. These run the whole audit, with a keyring and
  reserves configuration the auditor holds, or with the ledger as it stood before the operator
  recorded the epoch's publication (a liar records the hash of the manifest it re-signed, so the
  published ledger's pin on the manifest's hash would catch every re-signed edit by itself); and
  the careful liar's edit: one value replaced everywhere the bundle (or a manifest and a client's
  proof) says it, and what derives from it recomputed, judged with that ledger.

A re-signed edit, and an edit of a client proof, must change what the document says (not just its
whitespace, or the free space of the SQLite file); ``created_at`` is the manifest's one field that
states no figure (as in tests/verify/test_manifest_edits.py); and a client's verdict rests only on
the manifest's tree description, columns and collateral terms (§7.10). Those are the only edits a
passing verdict may follow.

``TestMutations`` runs 5,350 cases (most fail fast at the signature or hash checks; the lying
operator's run the whole audit); it replays fixed cases on a reproducible demo, so CI's verdict is
the same every run (``POR_MUTATION_RANDOM=1`` draws fresh ones). ``TestMutationsFuzz`` (``pytest -m
fuzz``) draws 20,000 fresh cases to hunt for holes; ``POR_MUTATION_SCALE`` multiplies both (a float:
0.1 for a quick look, 10 for a long night).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from por.cli.main import main as por_main
from tests.conftest import json_paths

CLIENTS = 12
SEED = 5
SCALE = float(os.environ.get("POR_MUTATION_SCALE", "1"))
#: CI replays the same cases on the same (reproducible) demo every run, so a verdict does not depend on
#: the draw; ``POR_MUTATION_RANDOM=1`` explores fresh cases instead (a fuzzing run, to look for holes)
RANDOM = os.environ.get("POR_MUTATION_RANDOM") == "1"
#: the manifest's fields that state no figure: an edit of them alone may pass (docs/protocol.md §9.4)
FREE_MANIFEST = {("signed", "created_at")}


# ---- the command line, in-process -------------------------------------------------------------------
class _Por(click.Command):
    """``por`` as its console script runs it (``por.cli.main.main``), for click's CliRunner."""

    def main(self, args: Any = None, prog_name: Any = None, **extra: Any) -> Any:  # type: ignore[override]
        return por_main(list(args or ()))


POR = _Por("por")


def por(*args: Any) -> Any:
    """Run ``por ARGS``; only SystemExit may leave it, and no traceback may be printed."""
    res = CliRunner().invoke(POR, [str(a) for a in args], catch_exceptions=True)
    assert res.exception is None or isinstance(res.exception, SystemExit), (
        f"por {' '.join(map(str, args))} raised {res.exception!r}:\n{res.output[-3000:]}")
    assert "Traceback" not in res.output, res.output[-3000:]
    return res


def refused(res: Any, what: str) -> None:
    assert res.exit_code in (1, 2), f"{what}: exit {res.exit_code}\n{res.output[-4000:]}"


# ---- the demo, built once -------------------------------------------------------------------------
class Demo:
    """The demo's paths and keys, and the parsed documents the cases edit."""

    def __init__(self, root: Path, operator_key: Ed25519PrivateKey, proofs: list[Path]) -> None:
        self.root = root
        self.pristine = root / "epochs" / "epoch-0001"  # the published bundle, never touched
        # a copy alone in its folder (no sibling bundle): the cases damage and restore it
        self.work = root.parent / "work" / "epoch-0001"
        self.operator_key = operator_key
        self.operator_pub = root / "keys" / "operator.pub"
        self.ledger_url = f"sqlite:///{root / 'ledger.db'}"
        # the ledger before the epoch's ``epoch.publish`` entry: what a lying operator's ledger says, since
        # it records the hash of the manifest it re-signed (the published ledger pins the original's)
        self.unpublished = root.parent / "trusted" / "ledger-unpublished.db"
        self.secret = root / "private" / "epoch-0001" / "master.secret"
        self.proofs = proofs
        self.originals: dict[str, bytes] = {}  # listed files and manifest.json
        self.docs: dict[str, Any] = {}  # the JSON documents, parsed
        self.json_docs: list[str] = []  # manifest.json, then every listed JSON document (a new one too)
        self.store_rows: list[str] | None = None  # the published tree.sqlite's rows, as SQL
        self.keyring = root.parent / "trusted" / "keyring.json"  # what an auditor holds independently
        self.reserves_config = root.parent / "trusted" / "reserves-config.json"

    def __repr__(self) -> str:
        return f"Demo({self.root})"

    def audit(self, *extra: Any, anchors: str = "ledger") -> Any:
        """``por audit verify`` of the work copy, its trust anchored (docs/protocol.md §9.5 step 13) on
        ``ledger``: the ledger (completeness; its journal also pins the published manifest's hash);
        ``unpublished``: the ledger before the epoch's publication was recorded, as a lying operator's
        ledger would be (it records the hash of the manifest it re-signed): every check but that pin;
        ``given``: a keyring and a reserves configuration the verifier holds (copies of the published
        ones), no ledger, so that each check must catch a lie on its own; ``bundle``: the bundle's own
        keyring (cheapest, for cases that the signature or the file hashes stop)."""
        trust = {"ledger": ("--ledger", self.ledger_url, "--master-secret", self.secret, "--skip-ledger-replay"),
                 "unpublished": ("--ledger", f"sqlite:///{self.unpublished}", "--master-secret", self.secret,
                                 "--skip-ledger-replay"),
                 "given": ("--keys", self.keyring, "--reserves-config", self.reserves_config),
                 "bundle": ("--trust-bundle-keyring",)}[anchors]
        return por("audit", "verify", self.work, "--operator-key", self.operator_pub, *trust, "--executor",
                   "serial", "--quiet", *extra)

    def restore(self) -> None:
        """Put back every file a case wrote; a case that left anything else gets a fresh copy."""
        for name, data in self.originals.items():
            p = self.work / name
            if not p.is_file() or p.is_symlink() or p.read_bytes() != data:
                p.unlink(missing_ok=True)
                p.write_bytes(data)
        present = {q.relative_to(self.work).as_posix() for q in self.work.rglob("*") if q.is_file()}
        if present != set(self.originals):
            shutil.rmtree(self.work)
            shutil.copytree(self.pristine, self.work)


def build_demo(root: Path) -> Demo:
    """``por demo`` in ``root`` (in-process), a work copy of its bundle, and its documents parsed."""
    from por.ledger import keys

    res = por("demo", "--dir", root, "--clients", CLIENTS, "--seed", SEED, "--executor", "serial", "--quiet",
              *(() if RANDOM else ("--reproducible",)))
    assert res.exit_code == 0, res.output[-4000:]
    proofs = sorted((root / "client-proofs" / "epoch-0001").glob("*.json"))
    with_debt = [p for p in proofs if '"collateral":{' in p.read_text()]
    d = Demo(root, keys.load(root / "keys" / "operator.key"),
             with_debt[:2] + [p for p in proofs if p not in with_debt][:2])
    assert with_debt and len(d.proofs) >= 2
    shutil.copytree(d.pristine, d.work)
    manifest = json.loads((d.pristine / "manifest.json").read_bytes())
    for name in ["manifest.json", *manifest["signed"]["files"]]:
        d.originals[name] = (d.pristine / name).read_bytes()
    d.json_docs = [n for n in d.originals if n.endswith(".json")]
    assert d.json_docs[0] == "manifest.json" and len(d.json_docs) >= 6
    for name in d.json_docs:
        d.docs[name] = json.loads(d.originals[name])
    for p in d.proofs:
        d.docs[p.name] = json.loads(p.read_bytes())
    d.store_rows = sqlite_dump(d.pristine / "tree.sqlite")
    assert d.store_rows
    d.keyring.parent.mkdir()
    d.keyring.write_bytes(d.originals["keyring.json"])
    d.reserves_config.write_text(json.dumps(d.docs["manifest.json"]["signed"]["reserves_config"]))
    unpublish(root / "ledger.db", d.unpublished)
    return d


def unpublish(ledger: Path, out: Path) -> None:
    """A copy of the demo's SQLite ledger without its last entries, the ``epoch.publish`` of the epoch
    (its journal's tail: the hash chain holds, and so does the replay)."""
    shutil.copyfile(ledger, out)
    with sqlite3.connect(out) as db:
        last = db.execute("SELECT max(seq) FROM ledger_journal WHERE type != 'epoch.publish'").fetchone()[0]
        assert db.execute("DELETE FROM ledger_journal WHERE seq > ?", (last,)).rowcount >= 1
        db.execute("UPDATE ledger_head SET seq = j.seq, entry_hash = j.entry_hash, time = j.time "
                   "FROM (SELECT seq, entry_hash, time FROM ledger_journal WHERE seq = ?) AS j", (last,))
    db.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return build_demo(tmp_path_factory.mktemp("mutations") / "demo")


# ---- serialisation: as the prover writes each document, plus values no serialiser makes ------------------
class Raw:
    """A JSON text put in place as it is (a number of 5,000 digits, nesting 100,000 deep, a NaN)."""

    def __init__(self, text: str) -> None:
        self.text = text


def _compact(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _style(data: bytes) -> Callable[[Any], str]:
    """How the prover wrote ``data``: canonical (the manifest, proofs) or indented, sorted keys."""
    obj = json.loads(data)
    styles: list[Callable[[Any], str]] = [
        _compact,
        lambda o: json.dumps(o, indent=2, sort_keys=True) + "\n",
        lambda o: json.dumps(o, indent=2, sort_keys=True),
    ]
    for s in styles:
        if s(obj).encode() == data:
            return s
    raise AssertionError("a document in a form the prover does not write")


def dump(obj: Any, style: Callable[[Any], str]) -> bytes:
    raws: list[str] = []

    def swap_in(x: Any) -> Any:
        if isinstance(x, Raw):
            raws.append(x.text)
            return f"\x00RAW{len(raws) - 1}\x00"
        if isinstance(x, dict):
            return {k: swap_in(v) for k, v in x.items()}
        if isinstance(x, list):
            return [swap_in(v) for v in x]
        return x

    text = style(swap_in(obj))
    for i, r in enumerate(raws):
        text = text.replace(json.dumps(f"\x00RAW{i}\x00"), r)
    return text.encode("utf-8", "surrogatepass")


def same_document(data: bytes, doc: Any) -> bool:
    """``data`` says what ``doc`` says, in other whitespace (a document no signature covers byte for byte)."""
    try:
        return typed(json.loads(data)) == typed(doc)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than this interpreter reads
        return False


def typed(obj: Any) -> str:
    """A form in which 1, 1.0 and true differ (Python's == does not tell them apart)."""
    return json.dumps(obj, sort_keys=True, default=lambda r: f"RAW:{r.text}")


class Edit:
    """What a strategy made, and a short description of it (hypothesis prints the description)."""

    def __init__(self, value: Any, how: str, path: tuple[Any, ...] = ()) -> None:
        self.value, self.how, self.path = value, how, path

    def __repr__(self) -> str:
        return self.how

    def __iter__(self) -> Iterator[Any]:
        return iter((self.value, self.how))


class Ref:
    """A large value a strategy works on, shown by name (hypothesis prints strategies' arguments)."""

    def __init__(self, value: Any, name: str) -> None:
        self.value, self.name = value, name

    def __repr__(self) -> str:
        return self.name


def pick(draw: st.DrawFn, seq: Any, label: str) -> Any:
    """One element of ``seq``, drawn by index (a sampled_from of large elements prints them all)."""
    return seq[draw(st.integers(0, len(seq) - 1), label=label)]


# ---- strategies ---------------------------------------------------------------------------------
HEX = "0123456789abcdef"
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
ODD = [0, 1, -1, 2, 2**31, 2**53 + 1, 2**63, 2**63 - 1, 2**64, 2**64 - 1, 2**64 + 1, -(2**63), -(2**64),
       2**128, 2**255 - 19, 2**256, 10**40, -(10**40)]
STRINGS = ["", " ", "0", "-1", "00", "0x00", "zz", "\u00e9", "\U0001f600", "\u202e", "\x00", "\n",
           "USD", "AAPL", "MSFT", "equity", "debt", "epoch-0001", "epoch-0000", "epoch-0002", "por-v1", "por-v2",
           "operator", "auditor", "null", "true", "1e3", "NaN", "00" * 32, "ff" * 32, "00" * 48, "A" * 10_000]
RAWS = ["1" + "0" * 5000, "-" + "9" * 4400, "[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000,
        "NaN", "Infinity", "-Infinity", "1.5", "1e400", "-0", "0.0", "1E2", '"\\ud800"']

scalars = st.one_of(
    st.none(), st.booleans(), st.sampled_from(ODD), st.integers(), st.floats(),
    st.text(max_size=24), st.sampled_from(STRINGS), st.just([]), st.just({}),
    st.sampled_from(RAWS).map(Raw),
)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=5)


@st.composite
def near(draw: st.DrawFn, ref: Ref) -> Any:
    """A value close to ``ref.value``: what a careful liar or a subtle bug would produce."""
    old = ref.value
    if isinstance(old, bool):
        return draw(st.sampled_from([not old, int(old), str(old).lower(), None]))
    if isinstance(old, int):
        return draw(st.sampled_from([old + 1, old - 1, -old, old * 2, old + 2**64, str(old), float(old),
                                     old != 0, 0, None]))
    if isinstance(old, str):
        options: list[Any] = [old + "0", old[:-1], old.upper(), " " + old, old + "\u00e9", None, len(old)]
        if old and all(c in HEX for c in old):
            i = draw(st.integers(0, len(old) - 1))
            options += [old[:i] + draw(st.sampled_from(HEX.replace(old[i], ""))) + old[i + 1:],
                        old + "00", old[2:], old[:i] + "g" + old[i + 1:], old[::-1]]
        if old.lstrip("-").isdigit():
            options += [str(int(old) + 1), str(int(old) - 1), "-" + old, old + "0", "0" + old,
                        int(old), str(2**64), str(2**64 - 1), "1e3", old + ".0"]
        if len(old) > 40 and all(c in B64 + "=" for c in old):
            i = draw(st.integers(0, len(old) - 3))
            options += [old[:i] + draw(st.sampled_from(B64.replace(old[i], ""))) + old[i + 1:],
                        old[:-4], old + "AAAA", old + "=", old[:i] + "*" + old[i + 1:]]
        return draw(st.sampled_from(options))
    if isinstance(old, list):
        options = [[], old[::-1], old + old[-1:], old[1:], old[:-1], old + [None], {"0": old}]
        return draw(st.sampled_from(options))
    if isinstance(old, dict):
        return draw(st.sampled_from([{}, list(old.values()), {**old, "unexpected": 1}]))
    return draw(st.sampled_from([0, "", False, {}, []]))


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for k in path:
        doc = doc[k]
    return doc


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    _get(doc, path[:-1])[path[-1]] = value


@st.composite
def edited(draw: st.DrawFn, ref: Ref, keep: Callable[[tuple[Any, ...]], bool] = lambda p: True) -> Edit:
    """A copy of the document ``ref.value`` with one structural edit (never the same document)."""
    doc = ref.value
    new = copy.deepcopy(doc)
    candidates = [p for p in json_paths(doc) if keep(p)]
    path = pick(draw, candidates, "path")
    old = _get(doc, path)
    op = draw(st.sampled_from(["near", "near", "near", "any", "delete", "swap", "add", "deep"]), label="op")
    what = ""
    if op == "delete":
        parent = _get(new, path[:-1])
        del parent[path[-1]]
    elif op == "swap":
        other = pick(draw, [p for p in candidates if p[:len(path)] != path and path[:len(p)] != p] or [path],
                     "other")
        a, b = copy.deepcopy(_get(doc, path)), copy.deepcopy(_get(doc, other))
        _set(new, path, b)
        _set(new, other, a)
        what = f" with {list(other)}"
    elif op == "add":
        target = path if isinstance(old, (dict, list)) else path[:-1]
        holder = _get(new, target)
        extra = draw(json_values, label="extra")
        if isinstance(holder, dict):
            key = draw(st.sampled_from(["unexpected", "format", "epoch_id", "", "\u00e9"]) | st.text(max_size=6),
                       label="key")
            holder[key] = extra
            what = f": {key!r}: {_short(extra)} in {list(target)}"
        else:
            at = draw(st.integers(0, len(holder)), label="at")
            holder.insert(at, extra)
            what = f": {_short(extra)} at {at} of {list(target)}"
    elif op == "deep":
        raw = draw(st.sampled_from(RAWS), label="raw")
        _set(new, path, Raw(raw))
        what = f" = {raw[:40]!r}"
    else:
        value = draw(near(Ref(old, "old")) if op == "near" else json_values, label="value")
        _set(new, path, value)
        what = f" = {_short(value)} (was {_short(old)})"
    assume(not same_document(dump(new, _compact), doc))  # "-0" for 0, say, is the same document
    return Edit(new, f"{op} at {list(path)}{what}"[:400], path)


def _short(value: Any) -> str:
    text = value.text if isinstance(value, Raw) else repr(value)
    return text if len(text) <= 60 else text[:40] + f"…({len(text)} chars)"


@st.composite
def damaged(draw: st.DrawFn, ref: Ref) -> Edit:
    """The bytes ``ref.value`` damaged (never equal to them)."""
    data: bytes = ref.value
    n = len(data)
    op = draw(st.sampled_from(["flip", "set", "truncate", "extend", "insert", "delete", "repeat", "empty"]),
              label="op")
    i = draw(st.integers(0, max(n - 1, 0)), label="at")
    if op == "flip":
        out = data[:i] + bytes([data[i] ^ (1 << draw(st.integers(0, 7)))]) + data[i + 1:]
    elif op == "set":
        out = data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1:]
    elif op == "truncate":
        out = data[:i]
    elif op == "extend":
        out = data + draw(st.binary(min_size=1, max_size=64) | st.sampled_from([b"\n", b" ", b"\x00", b"{}"]))
    elif op == "insert":
        out = data[:i] + draw(st.binary(min_size=1, max_size=16) | st.sampled_from([b" ", b"\n", b"\t"])) + data[i:]
    elif op == "delete":
        out = data[:i] + data[i + draw(st.integers(1, 64)):]
    elif op == "repeat":
        k = draw(st.integers(1, 64))
        out = data[:i] + data[i:i + k] + data[i:]
        op = f"repeat {data[i:i + k]!r}"
    else:
        out = b""
    assume(out != data)
    return Edit(out, f"{op} at byte {i} of {n}: {out[max(i - 8, 0):i + 8]!r}")


# ---- the lying operator: list the files again and re-sign (docs/protocol.md §9.4) -----------------------
def resign(demo: Demo, signed: dict[str, Any] | None = None, body: Any = None) -> bytes:
    """Write manifest.json with ``signed`` (default: the original's) listing the work copy's files as they
    are, and the operator's signature over it. ``body`` replaces ``signed`` without relisting."""
    if body is None:
        body = copy.deepcopy(signed if signed is not None else demo.docs["manifest.json"]["signed"])
        for name in body["files"]:
            data = (demo.work / name).read_bytes()
            body["files"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    body_bytes = dump(body, _compact)
    pub = demo.operator_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    sig = {"role": "operator", "signer": "operator", "public_key": pub.hex(),
           "key_id": hashlib.sha256(b"por/v1/key-id" + pub).hexdigest()[:16],
           "signature": demo.operator_key.sign(b"por/v1/manifest\x00" + body_bytes).hex()}
    out = b'{"signatures":[' + json.dumps(sig, sort_keys=True, separators=(",", ":")).encode() \
        + b'],"signed":' + body_bytes + b"}"
    (demo.work / "manifest.json").write_bytes(out)
    return hashlib.sha256(body_bytes).digest()


def replace_all(x: Any, old: Any, new: Any, inside: bool = False) -> Any:
    """``x`` with ``old`` replaced by ``new`` wherever it is said: as a value of its JSON type, as an
    object's key, an integer also as its decimal string (the store's meta writes prices so), and with
    ``inside``, a string also within longer strings (an asset renamed in an account name)."""
    if isinstance(x, dict):
        def key(k: str) -> str:
            if not isinstance(old, str) or not isinstance(new, str):
                return k
            return k.replace(old, new) if inside else new if k == old else k
        return {key(k): replace_all(v, old, new, inside) for k, v in x.items()}
    if isinstance(x, list):
        return [replace_all(v, old, new, inside) for v in x]
    if type(x) is type(old) and x == old:
        return new
    if isinstance(x, str) and type(old) is int and type(new) is int and x == str(old):
        return str(new)
    if isinstance(x, str) and inside and isinstance(old, str) and isinstance(new, str):
        return x.replace(old, new)
    return x


def _said(doc: Any) -> list[Any]:
    """The strings and integers a document says, its objects' keys included (what a consistent lie edits)."""
    out: list[Any] = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += [k, *_said(v)]
    elif isinstance(doc, list):
        for v in doc:
            out += _said(v)
    elif type(doc) in (str, int):
        out.append(doc)
    return out


def fix_up(body: dict[str, Any]) -> None:
    """What a careful liar recomputes after an edit of the manifest's body: the reserves configuration's
    hash in its reference, and the collateral prices and haircuts derived from it (docs/protocol.md §9.2)."""
    from por.errors import PorError
    from por.reserves.policy import ReservesConfig, collateral_prices_of, config_sha256, haircuts_of

    try:
        cfg = ReservesConfig.from_dict(body["reserves_config"])
        body["reserves_config_ref"]["sha256"] = config_sha256(body["reserves_config"])
        body["collateral_prices"] = collateral_prices_of(cfg, body["prices"])
        body["haircuts_bps"] = haircuts_of(cfg, body["prices"])
    except (PorError, KeyError, TypeError, AttributeError, ValueError):  # the edit broke what it derives from
        pass


def changed_paths(a: Any, b: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The paths at which ``b`` says something else than ``a`` (a key renamed: both paths)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [p for k in a.keys() | b.keys() for p in (changed_paths(a[k], b[k], (*prefix, k)) if k in a and k in b
                                                          else [(*prefix, k)])]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [p for i, (x, y) in enumerate(zip(a, b, strict=True)) for p in changed_paths(x, y, (*prefix, i))]
    return [] if typed(a) == typed(b) else [prefix]


@st.composite
def consistent(draw: st.DrawFn, demo: Demo, proof_ref: Ref | None = None) -> Edit:
    """A value the manifest or a document says, replaced everywhere the bundle says it (the manifest's
    body, every listed JSON document, the store's meta; or, for a client, the manifest and its proof
    ``proof_ref``), then what derives from it recomputed (:func:`fix_up`): a careful liar's edit. The
    documents and the store are written to the work copy; ``value`` is the new manifest body (None: the
    edit changed nothing), ``path`` the new proof."""
    proof = proof_ref.value if proof_ref is not None else None
    body = {k: v for k, v in demo.docs["manifest.json"]["signed"].items() if k not in ("files", "created_at")}
    sources = [body, *(demo.docs[n] for n in demo.json_docs[1:])] if proof is None else [body, proof]
    said = sorted({typed(x): x for doc in sources for x in _said(doc)}.items())
    old = said[draw(st.integers(0, len(said) - 1), label="value")][1]
    new = draw(near(Ref(old, "old")), label="new")
    assume(typed(new) != typed(old))
    inside = isinstance(old, str) and isinstance(new, str) and len(old) >= 3 and draw(st.booleans(), label="inside")
    out = replace_all(demo.docs["manifest.json"]["signed"], old, new, inside)
    for k in ("files", "created_at"):
        out[k] = demo.docs["manifest.json"]["signed"][k]
    fix_up(out)
    changed = out != demo.docs["manifest.json"]["signed"]
    if proof is None:
        for name in demo.json_docs[1:]:
            doc = replace_all(demo.docs[name], old, new, inside)
            if typed(doc) != typed(demo.docs[name]):
                (demo.work / name).write_bytes(dump(doc, _style(demo.originals[name])))
                changed = True
        with sqlite3.connect(demo.work / "tree.sqlite") as db:
            for key, value in db.execute("SELECT key, value FROM meta").fetchall():
                fixed = json.dumps(replace_all(json.loads(value), old, new, inside))
                if fixed != value and typed(json.loads(fixed)) != typed(json.loads(value)):
                    db.execute("UPDATE meta SET value = ? WHERE key = ?", (fixed, key))
                    changed = True
        db.close()
        new_proof = None
    else:
        new_proof = replace_all(proof, old, new, inside)
    return Edit(out if changed or new_proof != proof else None,
                f"{_short(old)} -> {_short(new)} everywhere{' (also inside strings)' if inside else ''}", new_proof)


def sqlite_dump(path: Path) -> list[str] | None:
    """What a tree store says (docs/protocol.md §7.9): its tables' columns and rows, meta values as the
    JSON values they hold; not how SQLite lays them out (pages, free space, the case of its SQL)."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as c:
            out = []
            for (table,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
                out.append(f"{table}: {c.execute(f'PRAGMA table_info({table})').fetchall()!r}".lower())
                for row in c.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
                    if table == "meta" and isinstance(row[1], str):
                        try:
                            row = (row[0], typed(json.loads(row[1])))
                        except (ValueError, RecursionError):  # not JSON, or nested deeper than Python reads
                            pass
                    out.append(f"{table}: {row!r}")
            return out
    except sqlite3.Error:
        return None


def _execute(db: sqlite3.Connection, sql: str, args: Any) -> None:
    try:
        db.execute(sql, args)
    except sqlite3.IntegrityError:  # SQLite itself refuses the value (a rowid that is not an integer)
        assume(False)


@st.composite
def store_edit(draw: st.DrawFn, demo: Demo) -> Edit:
    """One row of the work copy's tree.sqlite edited as SQL: a value nudged or retyped, a row deleted or
    added. ``value`` is the edit's kind (``delete``, ``duplicate`` or ``value``) and table."""
    db = sqlite3.connect(demo.work / "tree.sqlite")
    try:
        table = draw(st.sampled_from(["meta", "nodes", "range_proofs", "collateral"]), label="table")
        rows = db.execute(f"SELECT rowid, * FROM {table}").fetchall()
        cols = [d[0] for d in db.execute(f"SELECT * FROM {table} LIMIT 0").description]
        assume(rows)
        row = pick(draw, rows, "row")
        where = f"{table} row {dict(zip(cols, row[1:], strict=True)).get('key', row[0])!r}"
        what = draw(st.sampled_from(["value", "value", "value", "delete", "duplicate"]), label="edit")
        if what == "delete":
            db.execute(f"DELETE FROM {table} WHERE rowid = ?", (row[0],))
            how = f"{where} deleted"
        elif what == "duplicate":
            col = draw(st.sampled_from([c for c in cols if c not in ("data", "proof", "value")]), label="column")
            vals = list(row[1:])
            vals[cols.index(col)] = draw(st.sampled_from([9999, -1, "x", 2**40]), label="new key")
            _execute(db, f"INSERT OR IGNORE INTO {table} VALUES ({','.join('?' * len(cols))})", vals)
            how = f"{where} copied with {col} = {vals[cols.index(col)]!r}"
        else:
            col = draw(st.sampled_from(cols), label="column")
            old = row[1 + cols.index(col)]
            if isinstance(old, bytes):
                new: Any = draw(damaged(Ref(old, col))).value
            elif isinstance(old, str) and old[:1] in ("{", "[") and json_paths(json.loads(old)):
                new = dump(draw(edited(Ref(json.loads(old), col))).value, _compact).decode("utf-8", "surrogatepass")
            elif isinstance(old, str) and draw(st.booleans(), label="as JSON"):
                try:
                    new = json.dumps(draw(near(Ref(json.loads(old), col))))
                except ValueError:
                    new = draw(near(Ref(old, col)))
            elif isinstance(old, str):
                new = draw(near(Ref(old, col)))
            else:
                new = draw(st.sampled_from([old + 1, old - 1, -1, 2**62, None, "1", b"\x01"]))
            new = new if isinstance(new, (str, int, bytes, type(None))) else str(new)
            assume(new != old)
            _execute(db, f"UPDATE OR IGNORE {table} SET {col} = ? WHERE rowid = ?", (new, row[0]))
            how = f"{where}: {col} = {_short(new)} (was {_short(old)})"
        db.commit()
        db.execute("VACUUM")
        return Edit(what + " " + table, how)
    finally:
        db.close()


# ---- the cases ------------------------------------------------------------------------------------
def bundle_bytes(demo: Demo, data: st.DataObject) -> None:
    """Damaged bytes in any listed file or the manifest, not re-signed: fails at the signature or hashes."""
    name = data.draw(st.sampled_from(sorted(demo.originals)), label="file")
    new, how = data.draw(damaged(Ref(demo.originals[name], name)), label="damage")
    try:
        (demo.work / name).write_bytes(new)
        refused(demo.audit(*data.draw(st.sampled_from([(), ("--json",)]), label="output"), anchors="bundle"),
                f"{name}: {how}")
    finally:
        demo.restore()


def bundle_structure(demo: Demo, data: st.DataObject) -> None:
    """A structural edit of a JSON document of the bundle (the manifest included), not re-signed."""
    name = data.draw(st.sampled_from(demo.json_docs), label="document")
    new, how = data.draw(edited(Ref(demo.docs[name], name)), label="edit")
    try:
        (demo.work / name).write_bytes(dump(new, _style(demo.originals[name])))
        refused(demo.audit("--json", anchors="bundle"), f"{name}: {how}")
    finally:
        demo.restore()


def client_proof(demo: Demo, data: st.DataObject) -> None:
    """A damaged or edited client proof, checked against the untouched bundle."""
    src = data.draw(st.sampled_from(demo.proofs), label="proof")
    raw = src.read_bytes()
    if data.draw(st.booleans(), label="bytes"):
        new, how = data.draw(damaged(Ref(raw, src.name)), label="damage")
        assume(not same_document(new, demo.docs[src.name]))
    else:
        doc, how = data.draw(edited(Ref(demo.docs[src.name], src.name)), label="edit")
        new = dump(doc, _style(raw))
    proof = demo.work.parent / "proof.json"
    proof.write_bytes(new)
    account = data.draw(st.sampled_from([(), ("--account", demo.docs[src.name]["account_id"])]), label="account")
    output = data.draw(st.sampled_from([(), ("--json",)]), label="output")
    refused(por("verify", "inclusion", proof, "--bundle", demo.pristine, "--operator-key", demo.operator_pub,
                *account, *output), f"{src.name}: {how}")


def _body_field(path: tuple[Any, ...]) -> bool:
    """A field of the manifest's signed body that states something (docs/protocol.md §9.4)."""
    return len(path) > 1 and path[0] == "signed" and path[:2] not in FREE_MANIFEST


def ledger_only(name: str, path: tuple[Any, ...]) -> bool:
    """A re-signed edit that only the ledger can judge (docs/protocol.md §9.5 step 11, §7.11), which
    therefore runs with the ledger as the anchor: with a keyring the verifier gives, the bundle's
    keyring.json is not what trust rests on (``completeness.keyring`` compares it with the governed
    members); which leaves must carry a collateral proof (``completeness.collateral``); the journal
    entries a price of record rests on (``completeness.prices``); the entry that set the reserves
    configuration (``completeness.reserves-config``); the cut-off below the second
    (``completeness.cutoff``); the file names attestations were collected as
    (``completeness.attestations``)."""
    if name in ("keyring.json", "delete collateral", "consistent"):
        return True
    if name == "attestations.json":  # a label is the file name it was collected as (completeness.attestations)
        return path[:1] == ("attestations",) and path[2:3] == ("label",)
    if name == "prices.json":
        return path[:1] == ("quotes",) and "ledger_entries" in path
    if name == "manifest.json":
        return path[:3] in (("signed", "reserves_config_ref", "seq"), ("signed", "reserves_config_ref", "entry_hash")) \
            or path[:2] == ("signed", "cutoff_time")
    return False


def _signer_sets(doc: Any) -> Any:
    """``doc`` with every ``signers`` list in one order: an aggregate BLS signature verifies against
    the sum of its signers' keys, in whatever order they are listed (the order they were aggregated in,
    which nothing can check), so a reordered list says the same (docs/protocol.md §8.3)."""
    if isinstance(doc, dict):
        return {k: sorted(_signer_sets(v), key=typed) if k == "signers" and isinstance(v, list)
                else _signer_sets(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_signer_sets(v) for v in doc]
    return doc


def lying_operator(demo: Demo, data: st.DataObject) -> None:
    """An edit of a document, of the manifest's body or of tree.sqlite, then listed and re-signed."""
    target = data.draw(st.sampled_from(["manifest", "document", "document", "store", "bytes", "consistent"]),
                       label="target")
    kind, path = target, ()
    try:
        if target == "manifest":
            kind = "manifest.json"
            edit = data.draw(edited(Ref(demo.docs[kind], kind), _body_field), label="edit")
            how, path = f"{kind}: {edit.how}", edit.path
            resign(demo, body=edit.value["signed"])  # the files are as listed: only the edit differs
        elif target == "document":
            kind = data.draw(st.sampled_from(demo.json_docs[1:]), label="document")
            edit = data.draw(edited(Ref(demo.docs[kind], kind)), label="edit")
            how, path = f"{kind}: {edit.how}", edit.path
            if kind == "attestations.json":  # the signers of one (aggregate) BLS signature are a set
                assume(typed(_signer_sets(edit.value)) != typed(_signer_sets(demo.docs[kind])))
            (demo.work / kind).write_bytes(dump(edit.value, _style(demo.originals[kind])))
            resign(demo)
        elif target == "store":
            kind, how = data.draw(store_edit(demo), label="store edit")
            how = f"tree.sqlite: {how}"
            assume(sqlite_dump(demo.work / "tree.sqlite") != demo.store_rows)
            resign(demo)
        elif target == "consistent":  # one value replaced wherever it is said, with the ledger as the judge
            edit = data.draw(consistent(demo), label="consistent edit")
            kind, how = "consistent", edit.how
            assume(edit.value is not None)
            resign(demo, signed=edit.value)
        else:
            kind = data.draw(st.sampled_from(sorted(n for n in demo.originals if n != "manifest.json")), label="file")
            new_bytes, how = data.draw(damaged(Ref(demo.originals[kind], kind)), label="damage")
            how = f"{kind}: {how}"
            (demo.work / kind).write_bytes(new_bytes)
            if kind.endswith(".json"):
                assume(not same_document(new_bytes, demo.docs[kind]))
            elif kind == "tree.sqlite":  # the same rows in another file layout are the same store
                assume(sqlite_dump(demo.work / kind) != demo.store_rows)
            resign(demo)
        anchors = "unpublished" if ledger_only(kind, path) else data.draw(
            st.sampled_from(["given"] * 3 + ["unpublished"]), label="anchors")
        refused(demo.audit("--json", anchors=anchors), f"re-signed {how} (anchors: {anchors})")
    finally:
        demo.restore()


#: what a client's verdict rests on (docs/protocol.md §7.10): the tree description, the columns, and the
#: collateral terms (prices, and the reserves configuration's decimals and haircuts). The rest of the
#: manifest is the auditor's to check, and the client's result says so (``client.trust``).
CLIENT_TREE = {"mode", "epoch_id", "columns", "height", "block_size", "root_hash", "root", "context", "statements",
               "leaf_format"}


def _client_field(path: tuple[Any, ...]) -> bool:
    if len(path) < 2 or path[0] != "signed":
        return False
    if path[1] in ("epoch_id", "columns", "prices", "collateral_prices", "haircuts_bps"):
        return True
    if path[1] == "tree":
        return len(path) > 2 and path[2] in CLIENT_TREE
    return path[1:3] == ("reserves_config", "assets") and len(path) > 4 and path[4] in ("decimals", "haircut_bps")


def lying_operator_to_a_client(demo: Demo, data: st.DataObject) -> None:
    """The manifest's body edited and re-signed, and the client's proof pointed at the new manifest; or
    a value replaced everywhere the manifest and the proof say it (:func:`consistent`), which must
    fail when it changed the proof or a field the client's verdict rests on."""
    src = data.draw(st.sampled_from(demo.proofs), label="proof")
    proof = copy.deepcopy(demo.docs[src.name])
    if data.draw(st.booleans(), label="consistent"):
        edit = data.draw(consistent(demo, Ref(proof, src.name)), label="consistent edit")
        assume(edit.value is not None)
        new, how, proof = edit.value, edit.how, edit.path
        # the columns' labels bind nothing a client can check: a renamed asset or kind is shown to the
        # client in client.included, whose own balances are the judge; and collateral terms matter only
        # to a proof with a collateral proof
        assume(new.get("columns") == demo.docs["manifest.json"]["signed"]["columns"]
               and proof.get("columns") == demo.docs[src.name].get("columns"))
        debt = demo.docs[src.name].get("collateral") is not None
        assume({**proof, "manifest_sha256": None} != {**demo.docs[src.name], "manifest_sha256": None} or any(
            _client_field(p) and (debt or p[1] in ("epoch_id", "tree")) for p in changed_paths(
                demo.docs["manifest.json"], {**demo.docs["manifest.json"], "signed": new})))
    else:
        new, how = data.draw(edited(Ref(demo.docs["manifest.json"], "manifest.json"), _client_field),
                             label="edit")
        new = new["signed"]
    try:
        digest = resign(demo, body=new)
        proof["manifest_sha256"] = digest.hex()
        path = demo.work.parent / "proof.json"
        path.write_bytes(dump(proof, _style(src.read_bytes())))
        account = proof.get("account_id") if isinstance(proof.get("account_id"), str) else \
            demo.docs[src.name]["account_id"]
        refused(por("verify", "inclusion", path, "--bundle", demo.work, "--operator-key", demo.operator_pub,
                    "--account", account, "--json"), f"re-signed manifest.json: {how}")
    finally:
        demo.restore()


# ---- the runs -------------------------------------------------------------------------------------
def _run(case: Callable[[Demo, st.DataObject], None], examples: int, *, fresh: bool = False) -> Any:
    @settings(max_examples=max(1, int(examples * SCALE)), deadline=None, derandomize=not (RANDOM or fresh),
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
    @given(data=st.data())
    def test(self: Any, demo: Demo, data: st.DataObject) -> None:
        case(demo, data)

    test.__doc__ = case.__doc__
    return test


def test_unmutated_passes(demo: Demo) -> None:
    """The properties are not vacuous: the untouched bundle passes both audits, and so does the bundle
    re-signed as it is and with its store rewritten (VACUUM: the same rows), and every proof passes,
    also against the re-signed manifest."""
    for anchors in ("ledger", "unpublished", "given", "bundle"):
        assert demo.audit("--json", anchors=anchors).exit_code == 0, anchors
    try:
        resign(demo)  # the same body: the same manifest hash, which the proofs name
        for anchors in ("ledger", "unpublished", "given"):
            assert demo.audit("--json", anchors=anchors).exit_code == 0, anchors
        for p in demo.proofs:
            for bundle in (demo.pristine, demo.work):
                res = por("verify", "inclusion", p, "--bundle", bundle, "--operator-key", demo.operator_pub,
                          "--account", demo.docs[p.name]["account_id"], "--json")
                assert res.exit_code == 0, res.output[-2000:]
        with sqlite3.connect(demo.work / "tree.sqlite") as db:
            db.execute("VACUUM")
        assert sqlite_dump(demo.work / "tree.sqlite") == demo.store_rows
        resign(demo)
        assert demo.audit("--json", anchors="given").exit_code == 0
        assert demo.audit("--json", anchors="unpublished").exit_code == 0
        # the ledger's journal pins the published manifest's hash (completeness.epochs): a re-listed
        # store is a different manifest, so only the given anchors can see what a re-signed edit does
        assert demo.audit("--json", anchors="ledger").exit_code == 1
    finally:
        demo.restore()


class TestMutations:
    """5,350 cases per run: about 70 s on an idle 2-core machine, 90 s on a busy one (CI runs this)."""

    test_bundle_bytes = _run(bundle_bytes, 2500)
    test_bundle_structure = _run(bundle_structure, 1000)
    test_client_proof = _run(client_proof, 1200)
    test_lying_operator = _run(lying_operator, 250)
    test_lying_operator_to_a_client = _run(lying_operator_to_a_client, 400)


@pytest.mark.fuzz
class TestMutationsFuzz:
    """20,000 fresh random cases, with five times the lying operator's (about 4 minutes): a hunt for
    holes, run on demand (``pytest -m fuzz``), not by CI, whose verdict must not depend on the draw.
    Each hole such a run found became a fixed check and a regression test (tests/verify,
    tests/tree/test_mutation_holes.py); ``POR_MUTATION_SCALE`` scales both classes."""

    test_bundle_bytes = _run(bundle_bytes, 8000, fresh=True)
    test_bundle_structure = _run(bundle_structure, 4000, fresh=True)
    test_client_proof = _run(client_proof, 5200, fresh=True)
    test_lying_operator = _run(lying_operator, 1200, fresh=True)
    test_lying_operator_to_a_client = _run(lying_operator_to_a_client, 1600, fresh=True)
