"""Ledger personas: ``por init``, ``por member``, ``por ledger``, ``por margin``, ``por withdraw``.

Every command takes ``--db URL`` (default: the ``db`` of ``por.json`` in the working directory, or of
``$POR_CONFIG``) and signs with the key files named in that config (``--as MEMBER --key FILE`` picks
another signer). Amounts on the command line are decimal strings in the asset's units ("12.34");
they are converted exactly to minor units, and anything a float would blur is refused.

One module per group: :mod:`.genesis` (``init``), :mod:`.members`, :mod:`.margin_accounts`,
:mod:`.withdrawals`; the ``ledger`` group is assembled here from :mod:`.postings` (entries and
balances) and :mod:`.journal` (verify, migrate, head, log proofs). Heavy imports stay inside the
commands, so that ``por --help`` and a command's ``--help`` start fast.
"""

from __future__ import annotations

import click

from por.cli.ledger.genesis import init
from por.cli.ledger.journal import ledger_head, ledger_log_proof, ledger_migrate, ledger_verify
from por.cli.ledger.margin_accounts import margin
from por.cli.ledger.members import member
from por.cli.ledger.postings import (
    config_set,
    ledger_account_open,
    ledger_asset_add,
    ledger_balance,
    ledger_post,
    ledger_price,
)
from por.cli.ledger.withdrawals import withdraw

__all__ = ["init", "ledger", "margin", "member", "withdraw"]


@click.group()
def ledger() -> None:
    """Post entries, read balances, verify the journal and prove the transparency log."""


for _command in (ledger_post, ledger_asset_add, ledger_account_open, ledger_price, ledger_balance, config_set,
                 ledger_verify, ledger_migrate, ledger_head, ledger_log_proof):
    ledger.add_command(_command)
