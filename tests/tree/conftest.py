"""Small trees shared by the tree tests (built once per session: proofs are the slow part)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from por.parallel import SerialExecutor
from por.tree import TreeInfo, build_tree, client_proof

MASTER = bytes(range(32))
EPOCH = "2026-11-25"
PRICES = {"USD": 10**8, "BTC": 9 * 10**12}
HAIRCUTS = {"USD": 10_000, "BTC": 5_000}
COLUMNS = [("USD", "equity"), ("BTC", "equity"), ("USD", "debt")]
# alice has debt covered by BTC collateral; bob and carol have none
ROWS = [
    ("alice", (100, 10, 50_000)),
    ("bob", (2_500, 0, 0)),
    ("carol", (0, 3, 0)),
    ("dave", (7, 1, 0)),
    ("erin", (0, 0, 0)),
]


class Built:
    def __init__(self, info: TreeInfo, out: Path) -> None:
        self.info = info
        self.out = out

    def proof(self, account: str) -> dict[str, Any]:
        return client_proof(self.out, account, master_secret=MASTER)

    def copy_proof(self, account: str) -> dict[str, Any]:
        return json.loads(json.dumps(self.proof(account)))


@pytest.fixture(scope="session")
def committed_tree(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("committed")
    info = build_tree(COLUMNS, ROWS, epoch_id=EPOCH, master_secret=MASTER, out_dir=out, block_size=2,
                      prices=PRICES, haircuts_bps=HAIRCUTS, context=b"nonce", executor=SerialExecutor())
    return Built(info, out)


@pytest.fixture(scope="session")
def plain_tree(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("plain")
    info = build_tree(COLUMNS, ROWS, epoch_id=EPOCH, master_secret=MASTER, out_dir=out, mode="plain",
                      prices=PRICES, haircuts_bps=HAIRCUTS, executor=SerialExecutor())
    return Built(info, out)
