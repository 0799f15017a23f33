"""SQL tables of the custody ledger (sqlmodel models; the only schema the ledger writes).

The journal (``ledger_journal``) is the source of truth: every other table is a projection that the
ledger maintains in the same transaction as the entry that changes it, and that ``por ledger verify``
recomputes from the journal. The database enforces what it can: one head row, contiguous positive
sequence numbers as primary key, unique entry hashes and idempotency keys, balance floors (CHECK),
positive prices and withdrawal amounts, a closed set of books and account kinds.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Index,
    Integer,
    LargeBinary,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

# account ids sort bytewise on both databases (snapshots stream "in account order")
IdText = Text().with_variant(Text(collation="C"), "postgresql")

BOOKS = ("main", "held", "debt")
CLIENT_KINDS = ("cash", "margin")
PLATFORM_KINDS = ("house", "insurance", "reserve", "street")
ACCOUNT_KINDS = CLIENT_KINDS + PLATFORM_KINDS
RULES = ("any", "nonneg", "nonpos")


class HeadRow(SQLModel, table=True):
    """The single row naming the last entry: writers lock it, so appends are serialised."""

    __tablename__ = "ledger_head"
    __table_args__ = (CheckConstraint("id = 1", name="ledger_head_single"),)
    id: int = Field(default=1, sa_column=Column(Integer, primary_key=True, autoincrement=False))
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    entry_hash: str = Field(sa_column=Column(Text, nullable=False))
    time: str = Field(sa_column=Column(Text, nullable=False))
    gov_seq: int = Field(sa_column=Column(BigInteger, nullable=False))


class JournalRow(SQLModel, table=True):
    """One signed entry; ``leaf_hash`` is its RFC 9162 leaf in the transparency log (leaf index = seq)."""

    __tablename__ = "ledger_journal"
    __table_args__ = (
        CheckConstraint("seq >= 1", name="ledger_journal_seq_positive"),
        UniqueConstraint("entry_hash", name="ledger_journal_hash_unique"),
        UniqueConstraint("idem", name="ledger_journal_idem_unique"),
        # the withdrawal handlers replay a request's later withdraw.* entries from the journal
        Index("ledger_journal_type", "type", "seq"),
    )
    seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    type: str = Field(sa_column=Column(Text, nullable=False))
    signer: str = Field(sa_column=Column(Text, nullable=False))
    idem: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    time: str = Field(sa_column=Column(Text, nullable=False))
    body: str = Field(sa_column=Column(Text, nullable=False))
    sigs: str = Field(sa_column=Column(Text, nullable=False))
    prev_hash: str = Field(sa_column=Column(Text, nullable=False))
    entry_hash: str = Field(sa_column=Column(Text, nullable=False))
    leaf_hash: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class PostingRow(SQLModel, table=True):
    __tablename__ = "ledger_posting"
    __table_args__ = (
        CheckConstraint("book IN ('main', 'held', 'debt')", name="ledger_posting_book"),
        CheckConstraint("amount <> 0", name="ledger_posting_nonzero"),
        Index("ledger_posting_account", "account", "asset"),
    )
    entry_seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    idx: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    account: str = Field(sa_column=Column(IdText, nullable=False))
    asset: str = Field(sa_column=Column(Text, nullable=False))
    book: str = Field(sa_column=Column(Text, nullable=False))
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))


class BalanceRow(SQLModel, table=True):
    """Balance per (account, asset, book), updated in the transaction of its postings."""

    __tablename__ = "ledger_balance"
    __table_args__ = (
        CheckConstraint(
            "(rule = 'any') OR (rule = 'nonneg' AND amount >= 0) OR (rule = 'nonpos' AND amount <= 0)",
            name="ledger_balance_floor",
        ),
        CheckConstraint("book IN ('main', 'held', 'debt')", name="ledger_balance_book"),
    )
    account: str = Field(sa_column=Column(IdText, primary_key=True))
    asset: str = Field(sa_column=Column(Text, primary_key=True))
    book: str = Field(sa_column=Column(Text, primary_key=True))
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    rule: str = Field(sa_column=Column(Text, nullable=False))


class MemberRow(SQLModel, table=True):
    __tablename__ = "ledger_member"
    __table_args__ = (CheckConstraint("status IN ('active', 'revoked')", name="ledger_member_status"),)
    id: str = Field(sa_column=Column(Text, primary_key=True))
    roles: str = Field(sa_column=Column(Text, nullable=False))
    ed25519: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(sa_column=Column(Text, nullable=False))
    bls_public_key: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    bls_pop: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    added_seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    updated_seq: int = Field(sa_column=Column(BigInteger, nullable=False))


class AssetRow(SQLModel, table=True):
    __tablename__ = "ledger_asset"
    __table_args__ = (CheckConstraint("decimals >= 0 AND decimals <= 18", name="ledger_asset_decimals"),)
    code: str = Field(sa_column=Column(Text, primary_key=True))
    decimals: int = Field(sa_column=Column(Integer, nullable=False))
    kind: str = Field(sa_column=Column(Text, nullable=False))
    custodian: str = Field(sa_column=Column(Text, nullable=False))
    added_seq: int = Field(sa_column=Column(BigInteger, nullable=False))


class AccountRow(SQLModel, table=True):
    __tablename__ = "ledger_account"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('cash', 'margin', 'house', 'insurance', 'reserve', 'street')", name="ledger_account_kind"
        ),
    )
    id: str = Field(sa_column=Column(IdText, primary_key=True))
    kind: str = Field(sa_column=Column(Text, nullable=False))
    owner: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    opened_seq: int = Field(sa_column=Column(BigInteger, nullable=False))


class MarginRow(SQLModel, table=True):
    __tablename__ = "ledger_margin"
    __table_args__ = (
        CheckConstraint("max_leverage_bps >= 10000", name="ledger_margin_leverage"),
        CheckConstraint("maintenance_bps > 0 AND maintenance_bps < 10000", name="ledger_margin_maintenance"),
    )
    account: str = Field(sa_column=Column(Text, primary_key=True))
    quote: str = Field(sa_column=Column(Text, nullable=False))
    max_leverage_bps: int = Field(sa_column=Column(Integer, nullable=False))
    maintenance_bps: int = Field(sa_column=Column(Integer, nullable=False))
    status: str = Field(sa_column=Column(Text, nullable=False))
    opened_seq: int = Field(sa_column=Column(BigInteger, nullable=False))


class PriceRow(SQLModel, table=True):
    __tablename__ = "ledger_price"
    __table_args__ = (
        CheckConstraint("price_e8 > 0", name="ledger_price_positive"),
        Index("ledger_price_asset", "asset", "seq"),
    )
    seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    asset: str = Field(sa_column=Column(Text, nullable=False))
    price_e8: int = Field(sa_column=Column(BigInteger, nullable=False))
    time: str = Field(sa_column=Column(Text, nullable=False))
    oracle: str = Field(sa_column=Column(Text, nullable=False))


class WithdrawalRow(SQLModel, table=True):
    __tablename__ = "ledger_withdrawal"
    __table_args__ = (
        CheckConstraint("amount > 0", name="ledger_withdrawal_positive"),
        CheckConstraint(
            "status IN ('flagged', 'pending', 'approved', 'rejected', 'settled')", name="ledger_withdrawal_status"
        ),
        Index("ledger_withdrawal_status_idx", "status", "requested_seq"),
        Index("ledger_withdrawal_account_idx", "account", "requested_seq"),
    )
    id: str = Field(sa_column=Column(Text, primary_key=True))
    account: str = Field(sa_column=Column(Text, nullable=False))
    asset: str = Field(sa_column=Column(Text, nullable=False))
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    destination: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(sa_column=Column(Text, nullable=False))
    flagged: int = Field(sa_column=Column(Integer, nullable=False))
    score: int = Field(sa_column=Column(Integer, nullable=False))
    reasons: str = Field(sa_column=Column(Text, nullable=False))
    approvals_needed: int = Field(sa_column=Column(Integer, nullable=False))
    approvals: int = Field(sa_column=Column(Integer, nullable=False))
    requested_seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    requested_time: str = Field(sa_column=Column(Text, nullable=False))
    available_time: str = Field(sa_column=Column(Text, nullable=False))
    decided_seq: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    batch: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    settled_seq: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    settled_time: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class ApprovalRow(SQLModel, table=True):
    __tablename__ = "ledger_approval"
    withdrawal: str = Field(sa_column=Column(Text, primary_key=True))
    approver: str = Field(sa_column=Column(Text, primary_key=True))
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))


class ConfigRow(SQLModel, table=True):
    __tablename__ = "ledger_config"
    key: str = Field(sa_column=Column(Text, primary_key=True))
    value: str = Field(sa_column=Column(Text, nullable=False))
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))


ALL_TABLES = [
    m.__table__  # type: ignore[attr-defined,union-attr,unused-ignore]
    for m in (HeadRow, JournalRow, PostingRow, BalanceRow, MemberRow, AssetRow, AccountRow, MarginRow,
              PriceRow, WithdrawalRow, ApprovalRow, ConfigRow)
]

head_t = HeadRow.__table__  # type: ignore[attr-defined]
journal_t = JournalRow.__table__  # type: ignore[attr-defined]
posting_t = PostingRow.__table__  # type: ignore[attr-defined]
balance_t = BalanceRow.__table__  # type: ignore[attr-defined]
member_t = MemberRow.__table__  # type: ignore[attr-defined]
asset_t = AssetRow.__table__  # type: ignore[attr-defined]
account_t = AccountRow.__table__  # type: ignore[attr-defined]
margin_t = MarginRow.__table__  # type: ignore[attr-defined]
price_t = PriceRow.__table__  # type: ignore[attr-defined]
withdrawal_t = WithdrawalRow.__table__  # type: ignore[attr-defined]
approval_t = ApprovalRow.__table__  # type: ignore[attr-defined]
config_t = ConfigRow.__table__  # type: ignore[attr-defined]


def member_record(row: Any) -> dict[str, Any]:
    """A ``ledger_member`` row in the shape of :meth:`por.ledger.journal.Member.to_dict` (roles a list)."""
    return {"id": row.id, "roles": str(row.roles).split(","), "ed25519": row.ed25519, "status": row.status,
            "bls_public_key": row.bls_public_key, "bls_pop": row.bls_pop, "added_seq": row.added_seq,
            "updated_seq": row.updated_seq}
