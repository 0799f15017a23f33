"""The liabilities tree: Merkle sum tree of Pedersen commitments (DESIGN.md section 4).

Public API (docs/protocol/30-tree.md is normative for every byte):

- :func:`build_tree` -> :class:`TreeInfo`: build, prove and store one epoch's tree;
- :func:`client_proof`, :func:`write_client_proofs`: client inclusion proof files;
- :func:`verify_client_proof`, :func:`verify_tree`: the client's and the auditor's verifiers,
  returning a :class:`por.verify.result.Result` and never raising on malformed input;
- :func:`leaf_secret`: s = HKDF(master secret, salt = epoch id, info = "por/v1/leaf" || account id).
"""

from por.tree.build import DEFAULT_BLOCK_SIZE, TreeInfo, build_tree
from por.tree.leaf import leaf_secret
from por.tree.proof import CLIENT_FORMAT, client_proof, iter_client_proofs, write_client_proofs
from por.tree.store import ACCOUNTS_NAME, OPENING_NAME, STORE_NAME, TreeStore
from por.tree.verify import verify_client_proof, verify_tree

__all__ = [
    "ACCOUNTS_NAME", "CLIENT_FORMAT", "DEFAULT_BLOCK_SIZE", "OPENING_NAME", "STORE_NAME", "TreeInfo",
    "TreeStore", "build_tree", "client_proof", "iter_client_proofs", "leaf_secret", "verify_client_proof",
    "verify_tree", "write_client_proofs",
]
