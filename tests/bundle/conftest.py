"""Documents to parse: everything the demo writes (two epochs) and client proofs of small trees in
the modes and encodings the demo does not use (plain; compressed with B = 2)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from por.parallel import SerialExecutor
from por.tree import build_tree, write_client_proofs
from tests.fixtures import Demo

MASTER = bytes(range(32))
COLUMNS = [("USD", "equity"), ("BTC", "equity"), ("USD", "debt")]
ROWS = [("alice", (100, 10, 50_000)), ("bob", (2_500, 0, 0)), ("carol", (0, 3, 0)), ("dave", (7, 1, 0))]
PRICES = {"USD": 10**8, "BTC": 9 * 10**12}
HAIRCUTS = {"USD": 10_000, "BTC": 5_000}


@dataclass
class Corpus:
    """(document name, file) pairs: every JSON document a writer of this repository produced."""

    files: list[tuple[str, Path]] = field(default_factory=list)

    def of(self, name: str) -> list[Path]:
        return [p for n, p in self.files if n == name]


def _tree_proofs(root: Path, label: str, **kwargs: object) -> list[Path]:
    out = root / label
    build_tree(COLUMNS, ROWS, epoch_id="2026-11-25", master_secret=MASTER, out_dir=out, prices=PRICES,
               haircuts_bps=HAIRCUTS, executor=SerialExecutor(), **kwargs)  # type: ignore[arg-type]
    dest = root / f"{label}-proofs"
    write_client_proofs(out, dest, master_secret=MASTER, manifest_sha256="ab" * 32)
    return sorted(dest.glob("*.json"))


def _public_bundle(root: Path) -> Path:
    """An epoch published with public disclosure: liabilities, the leaf count and the openings."""
    from por.epoch.demo import demo_pipeline, setup
    from por.verify import verify_bundle

    s = setup(root / "w", 8, 5)
    pipe = demo_pipeline(s.workspace, disclosure="public", seal_check=verify_bundle)
    pipe.run()
    return Path(s.workspace.bundle_dir(pipe.epoch_id))


@pytest.fixture(scope="session")
def corpus(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Corpus:  # noqa: F811
    c = Corpus()
    root = demo.root
    for bundle in sorted((root / "epochs").iterdir()):
        for name in ("manifest", "ledger-log", "prices", "attestations", "solvency", "keyring"):
            c.files.append((name, bundle / f"{name}.json"))
    c.files += [("client-proof", p) for p in sorted((root / "client-proofs").rglob("*.json"))]
    c.files += [("price-report", p) for p in sorted((root / "inbox" / "prices").glob("*.json"))]
    c.files += [("attestation", p) for p in sorted((root / "inbox" / "attestations").rglob("*.json"))]
    c.files += [("attestation", p) for p in sorted((root / "private").rglob("attest/requests/*.json"))]
    c.files += [("report-signature", p) for p in sorted((root / "reports").glob("*.sig"))]
    public = _public_bundle(tmp_path_factory.mktemp("bundle-public"))
    c.files += [(name, public / f"{name}.json") for name in ("manifest", "solvency")]
    trees = tmp_path_factory.mktemp("bundle-trees")
    c.files += [("client-proof", p) for p in _tree_proofs(trees, "plain", mode="plain")]
    c.files += [("client-proof", p) for p in _tree_proofs(trees, "compressed", proof_encoding="compressed",
                                                         block_size=2, context=b"nonce")]
    names = {n for n, _ in c.files}
    assert names == {"manifest", "ledger-log", "prices", "attestations", "solvency", "keyring", "client-proof",
                     "price-report", "attestation", "report-signature"}, names
    return c


def load(path: Path) -> object:
    return json.loads(path.read_bytes())
