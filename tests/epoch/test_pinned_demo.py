"""The published bytes, pinned (issue 15, "Done when"): the reproducible demo's bundle for a fixed seed
and the protocol vectors hash to the constants below, before and after any change that is not meant
to change a published byte.

The demo runs in-process with ``reproducible=True`` (:func:`por.epoch.demo.run_demo`): a stepping
clock from 2025-01-01 and entropy from the seed (:mod:`por.epoch.sources`) give the same ledger entry
times, master secret, nonce and manifest time on every run. Production keeps the real clock and the
OS's randomness: two default runs publish different bundles.

When a pin fails, the message lists each file that changed. If the change is meant (a new format,
say), print the new constants with ``python tests/epoch/test_pinned_demo.py`` and paste them here in
the same commit, saying why the bytes changed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import sys
from datetime import timedelta
from pathlib import Path

import pytest

CLIENTS, SEED = 20, 1
ROOT = Path(__file__).resolve().parents[2]
EPOCH = "epoch-0001"
#: the SQLite library the pins were made with: ``tree.sqlite``'s header names the library that wrote
#: it, so its hash (and the manifest's, which lists it) also moves with the SQLite version
PINNED_SQLITE = "3.40.1"

#: SHA-256 of every file of the reproducible demo's first bundle (20 clients, seed 1). Every file but
#: those that hash the solvency proofs (solvency.json, the manifest, client proofs' manifest_sha256) is
#: what the code before issue 15 (commit ada65de) publishes with the same clock and entropy patched in;
#: those three changed once, when the solvency proofs took the keyed randomness (docs/protocol.md §8.7)
#: in place of the OS's, which had made them differ on every run.
PINNED_BUNDLE = {
    "attestations.json": "5637b70ae3184d3d318a11bd85d64818e5f026c6e8527e5850f9a1b05008b1cf",
    "keyring.json": "c7b98662f56c36a026ed351545c39b18d0ccfc650e70e1bf62b6f19452cff36e",
    "ledger-log.json": "c32b02927e6d184226f7919b09d0e2cce4ab26d86b0166437e175ff619213a71",
    "manifest.json": "0b6e616ec0831002ee32f1ecc514247134b0e401152122330ad6aa1ca5f49f49",
    "prices.json": "c0fe566b7590897438b0ae3f36ce149f1baedd7626e9e77147a948a127f6cde1",
    "solvency.json": "5d5f0640c0b5fcdb85420bc6d6f7cc29e9ac3e3dc300d3c666910195bce03df4",
    "statements/collateral-linear.toml": "d7dd62745639d48cb9800c26e3017ed9e2c3ad801c1adf84646835b35acb71ad",
    "statements/node-range-linear.toml": "c728dc0af2a55f00ceee35f44aa8aa2ec3ef9c0d8c7572d7599e3aad518ce215",
    "statements/solvency.toml": "00997ac6fe30e85ffc4d4995063f6b3fcddfdd4da89f69c20a17700c8c60dbb9",
    "tree.sqlite": "c11141c493b22af472c2321d311ea51125669e06ab0a8165b4f9698a22718c76",
}
#: a few client proofs (first, a middle one, last)
PINNED_PROOFS = {
    "syn1-c0000000.json": "f3f452cae647f489431d361c38740200b6e4253806c3fe40e9e4dc7c83b318fe",
    "syn1-c0000009.json": "6584864ab03beed9b8f5a4846d3eaf25edb0677b6de16618e6e71eaebdf445e5",
    "syn1-c0000019.json": "4c01731cf8184ab5dcf05dff1dffe6e3eefd17955ff4979404f627136ad36494",
}
#: the protocol vectors (docs/protocol.md §6, §8.1): tests/test_vectors.py and tests/test_bls.py check
#: that the generators still write them; these pins catch a generator and its files changed together
PINNED_VECTORS = {
    "circuits/vectors/collateral-linear.json": "5960f35c65683cde3b34ccc79e26fb3f486111d85c9d23a99005dd0038ed594f",
    "circuits/vectors/collateral.json": "dced717b2e2425f5468dfd69bfadb6aab104ea5e3a0be424674daffa5704a306",
    "circuits/vectors/node-range-linear.json": "c86b4e3e50611f34b9dab77442108ea0f31bd69487a0597ef05ecbda872eeb15",
    "circuits/vectors/node-range.json": "63e3049677b1b996ae6de63eed1c83d3ed87fb8b47a0cfdbe1fc8b0bd51471c2",
    "circuits/vectors/rangeproof-linear.json": "f31c1e5f6295a96b6b9038d35c6cf32b30f76f4e4d460757cbefc513ab3f4ba6",
    "circuits/vectors/rangeproof.json": "109883b91578c9c58d2654fb2596145dc17d4707ac97f89ce45879fb71ccf8cd",
    "circuits/vectors/solvency.json": "79fd6bff0a21ee0d2e92144fd82385a516b0fbfb5a50d3ec9d167be7e8bf2718",
    "tests/vectors/bls/aggregate.json": "38780f4f96bbb0feeb42e7adfb1f026ca95fbd4a8ec1fc1ac7b143af0524d83d",
    "tests/vectors/bls/aggregate_verify.json": "4b04954bf508897fa9f60c31fec081b750bb120386c3b92caea1d51d92118d57",
    "tests/vectors/bls/fast_aggregate_verify.json": "6a44539953064601bc40e953bd57c0d9ac5a3672cb5d828c8f3e9afc0d608c84",
    "tests/vectors/bls/keygen.json": "e8e379035673582118aa779de5209e1b194b356c05493ebaef32f17125034e9d",
    "tests/vectors/bls/pop.json": "6c00ab4d96362ff0a9d3347b0037bf2c8bbee1df90d731fb25bb96d997cdfad2",
    "tests/vectors/bls/published.json": "ed81a481f6e27e73ded0d268a95946de087704cd7a2761e16749df4959013b5a",
    "tests/vectors/bls/sign.json": "e75bd9deb65d952852cac8003a2f755c719cb3c94792f1c4b6923cdfb0ce2491",
    "tests/vectors/bls/verify.json": "1d81939f47a3dcc2eaeace7731e845c1db984b083ec4b787f0e1e2fb588a0e95",
}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def bundle_hashes(root: Path) -> dict[str, str]:
    """Every bundle file's SHA-256 (relative names)."""
    bundle = root / "epochs" / EPOCH
    out: dict[str, str] = {}
    for p in sorted(bundle.rglob("*")):
        if not p.is_file():
            continue
        name = p.relative_to(bundle).as_posix()
        out[name] = _sha(p.read_bytes())
    return out


def proof_hashes(root: Path) -> dict[str, str]:
    proofs = root / "client-proofs" / EPOCH
    return {name: _sha((proofs / name).read_bytes()) for name in PINNED_PROOFS}


def vector_hashes() -> dict[str, str]:
    files = [*sorted((ROOT / "circuits" / "vectors").glob("*.json")),
             *sorted((ROOT / "tests" / "vectors" / "bls").glob("*.json"))]
    return {p.relative_to(ROOT).as_posix(): _sha(p.read_bytes()) for p in files}


def changed(what: str, pinned: dict[str, str], actual: dict[str, str]) -> str | None:
    """None when equal, else a message naming every file that changed, appeared or disappeared."""
    lines = [f"  {n}: pinned {pinned[n][:16]}…, now {actual[n][:16]}…"
             for n in sorted(pinned.keys() & actual.keys()) if pinned[n] != actual[n]]
    lines += [f"  {n}: pinned, now missing" for n in sorted(pinned.keys() - actual.keys())]
    lines += [f"  {n}: new, not pinned ({actual[n][:16]}…)" for n in sorted(actual.keys() - pinned.keys())]
    if not lines:
        return None
    note = ""
    if sqlite3.sqlite_version != PINNED_SQLITE:
        note = (f"\n(this run's SQLite is {sqlite3.sqlite_version}, the pins' {PINNED_SQLITE}: tree.sqlite's header "
                f"names the library, so it and the files hashing it may differ for that reason alone)")
    return f"{what}: {len(lines)} file(s) changed:\n" + "\n".join(lines) + note


def run(directory: Path, *, reproducible: bool) -> Path:
    from por.epoch.demo import run_demo
    from por.verify import verify_bundle

    run_demo(directory, CLIENTS, SEED, reproducible=reproducible, seal_check=verify_bundle)
    return directory


def _files(root: Path) -> dict[str, bytes]:
    """Every published byte of the run: the bundle and the client proofs, by relative name."""
    out = {}
    for sub in (root / "epochs" / EPOCH, root / "client-proofs" / EPOCH):
        for p in sorted(sub.rglob("*")):
            if p.is_file():
                out[p.relative_to(root).as_posix()] = p.read_bytes()
    return out


@pytest.fixture(scope="module")
def reproducible_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("pinned")
    return run(base / "a", reproducible=True), run(base / "b", reproducible=True)


def test_reproducible_bundle_matches_the_pins(reproducible_runs: tuple[Path, Path]) -> None:
    root = reproducible_runs[0]
    problems = [changed("the demo's bundle", PINNED_BUNDLE, bundle_hashes(root)),
                changed("the demo's client proofs", PINNED_PROOFS, proof_hashes(root))]
    problems = [p for p in problems if p]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_protocol_vectors_match_the_pins() -> None:
    problem = changed("the protocol vectors", PINNED_VECTORS, vector_hashes())
    if problem:
        pytest.fail(problem, pytrace=False)


def test_two_reproducible_runs_publish_the_same_bytes(reproducible_runs: tuple[Path, Path]) -> None:
    """Byte for byte: every bundle file and every client proof."""
    a, b = (_files(r) for r in reproducible_runs)
    assert a.keys() == b.keys()
    assert len([n for n in a if n.startswith("client-proofs/")]) == CLIENTS
    differ = sorted(n for n in a if a[n] != b[n])
    assert not differ, f"two reproducible runs differ in: {differ}"
    m = json.loads(a[f"epochs/{EPOCH}/manifest.json"])["signed"]
    assert m["created_at"] == "2025-01-01T00:00:00Z" and m["cutoff_time"].startswith("2025-01-01T00:00:00.")


def test_por_demo_reproducible_publishes_the_pinned_bundle(tmp_path: Path) -> None:
    """The hidden ``por demo --reproducible`` flag (process-pool executor, every party's check) gives
    the library's bytes; a later run of the directory stays reproducible (a day later on its clock)."""
    from tests.fixtures import no_traceback, run_por

    d = tmp_path / "demo"
    for _ in range(2):
        cp = run_por("demo", "--dir", d, "--clients", CLIENTS, "--seed", SEED, "--quiet", "--reproducible")
        no_traceback(cp)
        assert cp.returncode == 0, cp.stdout[-3000:] + cp.stderr[-3000:]
    problem = changed("`por demo --reproducible`'s bundle", PINNED_BUNDLE,
                      bundle_hashes(d))
    if problem:
        pytest.fail(problem, pytrace=False)
    m2 = json.loads((d / "epochs" / "epoch-0002" / "manifest.json").read_text())["signed"]
    assert m2["created_at"] == "2025-01-02T00:00:00Z"


def test_two_default_runs_differ(reproducible_runs: tuple[Path, Path], tmp_path: Path) -> None:
    """Production keeps OS randomness and the real clock: nonce, master secret, hence the tree, differ;
    the manifest's time is now. (The demo's member keys come from the seed in both modes.)"""
    from datetime import UTC, datetime

    before = datetime.now(UTC).replace(microsecond=0)
    a, b = run(tmp_path / "a", reproducible=False), run(tmp_path / "b", reproducible=False)
    ma, mb = (json.loads((r / "epochs" / EPOCH / "manifest.json").read_bytes())["signed"] for r in (a, b))
    assert ma["nonce"] != mb["nonce"]
    secrets = [(r / "private" / EPOCH / "master.secret").read_bytes() for r in (a, b)]
    assert secrets[0] != secrets[1]
    ha, hb = bundle_hashes(a), bundle_hashes(b)
    assert ha["tree.sqlite"] != hb["tree.sqlite"] and ha["manifest.json"] != hb["manifest.json"]
    assert ha["keyring.json"] == hb["keyring.json"] == PINNED_BUNDLE["keyring.json"]
    assert datetime.strptime(ma["created_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) >= before
    assert "reproducible" not in json.loads((a / "por.json").read_text())["demo"]


def test_ledger_time_checks_hold_on_the_stepping_clock(reproducible_runs: tuple[Path, Path],
                                                       tmp_path: Path) -> None:
    """On the fixed clock the ledger still refuses an entry dated past ``clock.max_ahead_s`` ahead of it,
    and a withdrawal settles only once the clock has passed its cooling period."""
    from por.epoch.demo import demo_sources
    from por.epoch.workspace import Workspace
    from por.errors import LedgerError
    from por.ledger.canonical import add_seconds

    root = tmp_path / "ws"
    shutil.copytree(reproducible_runs[0], root)
    cfg = json.loads((root / "por.json").read_text())
    cfg["db"] = f"sqlite:///{root / 'ledger.db'}"
    (root / "por.json").write_text(json.dumps(cfg))
    ws = Workspace.load(root)
    sources = demo_sources(SEED, 2, True)
    clock = sources.clock
    led = ws.ledger(clock=sources.ledger_clock())
    try:
        op = ws.signer("operator")
        account = next(a["id"] for a in led.accounts("cash")
                       if led.balance(a["id"]).get("USD", {}).get("main", 0) > 1_000)
        ahead = add_seconds(led.clock(), 301)  # the demo ledger's clock.max_ahead_s is the default, 300
        with pytest.raises(LedgerError, match="ahead of the ledger's clock"):
            led.deposit(op, account, "USD", 1, time=ahead)
        led.request_withdrawal(op, account, "USD", 1_000, "iban:pinned")  # dated by the stepping clock
        with pytest.raises(LedgerError, match="no approved withdrawal is ready"):
            led.settle_withdrawals(op)
        clock.advance(timedelta(seconds=3600))  # the demo's cooling_s
        receipt = led.settle_withdrawals(op)
        assert led.entry(receipt.seq)["body"]["time"].startswith("2025-01-02T01:00:00.")
        assert led.verify().ok
    finally:
        led.close()


def test_sources_default_to_the_real_clock_and_os_randomness() -> None:
    """Nothing reproducible unless asked: the pipeline's default is SYSTEM (real clock, OS bytes,
    the ledger keeps its own clock); the stepping clock and seeded bytes repeat for the same seed."""
    import inspect
    from datetime import UTC, datetime

    from por.epoch.pipeline import Pipeline
    from por.epoch.sources import SYSTEM, SeededEntropy, SteppingClock, SystemClock, SystemEntropy

    assert inspect.signature(Pipeline).parameters["sources"].default is SYSTEM
    assert isinstance(SYSTEM.clock, SystemClock) and isinstance(SYSTEM.entropy, SystemEntropy)
    assert SYSTEM.ledger_clock() is None and SYSTEM.token_bytes(32) != SYSTEM.token_bytes(32)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    clock = SteppingClock(start)
    assert [clock.now(), clock.now()] == [start, start + timedelta(milliseconds=1)]
    clock.advance(timedelta(hours=1))
    assert clock.now() == start + timedelta(hours=1, milliseconds=2)
    with pytest.raises(ValueError):
        clock.advance(timedelta(seconds=-1))
    assert SeededEntropy(b"1").token_bytes(40) == SeededEntropy(b"1").token_bytes(40) != SeededEntropy(b"2").token_bytes(40)
    e = SeededEntropy(b"1")
    assert e.token_bytes(20) + e.token_bytes(20) == SeededEntropy(b"1").token_bytes(40)


def test_a_default_directory_cannot_turn_reproducible(tmp_path: Path) -> None:
    """The ledger of a default demo runs on the real clock; a reproducible run there would date
    entries before its head, so the demo refuses (a usage error naming the fix)."""
    from por.epoch.demo import setup
    from por.errors import UsageError

    setup(tmp_path / "d", 3, SEED)
    with pytest.raises(UsageError, match="created without --reproducible"):
        setup(tmp_path / "d", 3, SEED, reproducible=True)


def _print_pins() -> None:  # pragma: no cover - a maintainer's tool
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        root = run(Path(tmp) / "demo", reproducible=True)
        print(f'PINNED_SQLITE = "{sqlite3.sqlite_version}"')
        hashes = bundle_hashes(root)
        for name, table in (("PINNED_BUNDLE", hashes), ("PINNED_PROOFS", proof_hashes(root)),
                            ("PINNED_VECTORS", vector_hashes())):
            print(f"{name} = {{")
            for k, v in table.items():
                print(f'    "{k}": "{v}",')
            print("}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_print_pins())
