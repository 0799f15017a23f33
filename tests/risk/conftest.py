"""Fixtures: a small realistic ledger (real SQLite file, signed price history) built once per session,
and hand-made books."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from por.report.stress import AssetSpec, MarginBook
from por.units import PRICE_SCALE


@pytest.fixture(scope="session")
def risk_ledger_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from por.ledger import Ledger
    from por.ledger.synthetic import populate

    path: Path = tmp_path_factory.mktemp("riskledger") / "ledger.db"
    url = f"sqlite:///{path}"
    with Ledger.open(url) as led:
        populate(led, 40, seed=3, history_days=80)
    return url


@pytest.fixture
def risk_ledger(risk_ledger_url: str) -> Iterator[Any]:
    from por.ledger import Ledger

    led = Ledger.open(risk_ledger_url, create=False)
    try:
        yield led
    finally:
        led.close()


def one_asset_book(qty: int = 100, price_e8: int = 100 * PRICE_SCALE, debt: int = 700_000, mm_bps: int = 1000,
                   fund: int = 0, accounts: int = 1) -> MarginBook:
    """``accounts`` identical accounts: ``qty`` units of XYZ (0 decimals) and ``debt`` USD cents."""
    assets = [AssetSpec("USD", 2, PRICE_SCALE), AssetSpec("XYZ", 0, price_e8)]
    pos = np.array([[0, qty]] * accounts, dtype=np.int64)
    deb = np.array([[debt, 0]] * accounts, dtype=np.int64)
    return MarginBook("USD", assets, [f"a{i}" for i in range(accounts)], pos, deb,
                      np.full(accounts, mm_bps, dtype=np.int64), np.full(accounts, 100_000, dtype=np.int64),
                      insurance_fund=fund, source="one-asset test book")
