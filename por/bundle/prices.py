"""Prices in a bundle: ``prices.json`` (``por-prices/2``) and the oracles' signed price reports
(``por-price-report/2``) it carries (docs/protocol.md §8.5, §9.3).

A report's signature is over ``signing_input("v1/price-report", encode())``, a binary encoding
(not canonical JSON) signed with BLS or Ed25519, and the file has one ``scheme``/``signature`` pair
rather than a list of signatures with their keys: it is not a :class:`por.bundle.signed.Signed`
envelope. :meth:`PriceReport.message` gives the signed bytes to whichever verifier checks it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from por.bundle._model import Model, json_layout, omittable, parse_bytes, problem
from por.bundle._types import (
    AnyText,
    AssetCode,
    MemberId,
    OnlyBool,
    Price,
    Seq,
    Seqno,
    Text,
    Time,
    explain,
)
from por.signing import signing_input

PRICES_FORMAT = "por-prices/2"
REPORT_FORMAT = "por-price-report/2"
REPORT_PURPOSE = "v1/price-report"
#: signature length in bytes per scheme (§8.1 BLS in G2, §8.5 Ed25519)
SIGNATURE_BYTES = {"bls": 96, "ed25519": 64}
AMOUNT_BYTES = 16


def _lp(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


class PriceReport(Model):
    """What an oracle signs: the price of one asset for one epoch and cut-off (§8.5)."""

    epoch_id: Text
    cutoff: Time
    oracle_id: Text
    asset: Text
    price_e8: Price
    time: Time

    def encode(self) -> bytes:
        """``lp(epoch_id) || lp(cutoff) || lp(oracle_id) || lp(asset) || u128be(price_e8) || lp(time)`` (§8.5)."""
        return b"".join([_lp(self.epoch_id.encode()), _lp(self.cutoff.encode()), _lp(self.oracle_id.encode()),
                         _lp(self.asset.encode()), self.price_e8.to_bytes(AMOUNT_BYTES, "big"),
                         _lp(self.time.encode())])

    def message(self) -> bytes:
        """The signed bytes: ``"por/v1/price-report" || 0x00 || encode()`` (§1.1)."""
        return signing_input(REPORT_PURPOSE, self.encode())


class SignedPriceReport(Model):
    """A report file ``por-price-report/2``: the report, the scheme, one signature (§8.5)."""

    DOCUMENT: ClassVar[str] = "price report"

    format: Annotated[Literal["por-price-report/2"], explain(f"must be {REPORT_FORMAT}")]
    scheme: Annotated[Literal["bls", "ed25519"], explain("must be bls or ed25519")]
    signature: Annotated[str, Field(pattern=r"^(?:[0-9a-f]{128}|[0-9a-f]{192})$"),
                         explain("must be lower-case hex of 64 bytes (ed25519) or 96 bytes (bls)")]
    report: PriceReport

    @model_validator(mode="after")
    def _length(self) -> SignedPriceReport:
        want = SIGNATURE_BYTES[self.scheme]
        if len(self.signature) != 2 * want:
            raise problem("signature", f"must be {want} bytes of lower-case hex for scheme {self.scheme}")
        return self

    def to_bytes(self) -> bytes:
        return _REPORT_LAYOUT(self.to_json_value())


class DroppedReport(Model):
    """A report the quorum median left out, and why (§8.5)."""

    oracle_id: Text
    reason: AnyText


class Quote(Model):
    """The price of record of one asset and what it rests on (§9.2, §9.3)."""

    asset: AssetCode
    price_e8: Price
    time: Time
    oracles: Seq[MemberId]
    dropped: Seq[DroppedReport]
    ledger_entries: Seq[Seqno]
    reporting_currency: Annotated[Literal[True], OnlyBool, explain("must be true")] | None = omittable(
        "true for the reporting currency (price 10^8, no reports); left out otherwise")


class Prices(Model):
    """``prices.json`` (``por-prices/2``): the epoch's cut-off, the quotes per asset with the ledger
    entries of record, and every signed report used (§9.3)."""

    DOCUMENT: ClassVar[str] = "prices.json"

    format: Annotated[Literal["por-prices/2"], explain(f"must be {PRICES_FORMAT}")]
    epoch_id: Text
    cutoff: Time
    reporting_currency: AssetCode
    quotes: Mapping[AssetCode, Quote]
    reports: Seq[SignedPriceReport]

    @model_validator(mode="after")
    def _keys(self) -> Prices:
        for asset, q in self.quotes.items():
            if q.asset != asset:
                raise problem(f"quotes.{asset}.asset", f"must be {asset}, the quote's key")
        return self

    def to_bytes(self) -> bytes:
        """The file as the pipeline writes it (indented, sorted keys, final newline)."""
        return _PRICES_LAYOUT(self.to_json_value())


_PRICES_LAYOUT = json_layout(indent=2, newline=True)
_REPORT_LAYOUT = json_layout(indent=2, newline=True)


def parse_prices(data: bytes) -> Prices:
    """``prices.json`` from its bytes (§9.3). Raises DocumentError naming the field."""
    return parse_bytes(Prices, data, Prices.DOCUMENT)


def parse_price_report(data: bytes) -> SignedPriceReport:
    """One ``por-price-report/2`` file (an oracle's submission, §8.5). Raises DocumentError."""
    return parse_bytes(SignedPriceReport, data, SignedPriceReport.DOCUMENT)
