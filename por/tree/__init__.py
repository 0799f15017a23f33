"""The liabilities tree: Merkle sum tree of Pedersen commitments (docs/protocol.md §7).

Public API (docs/protocol.md is normative for every byte):

- :func:`build_tree` -> :class:`TreeInfo`: build (and by default prove) and store one epoch's tree;
- :func:`prove_tree` -> :class:`TreeInfo`: add the proofs to a tree built with ``range_proofs=False``
  (the pipeline's resumable ``prove`` stage);
- :func:`client_proof`, :func:`write_client_proofs`: client inclusion proof files;
- :func:`verify_client_proof`, :func:`verify_tree`: the client's and the auditor's verifiers,
  returning a :class:`por.result.Result` and never raising on malformed input;
- :func:`verify_completeness`: the auditor with ledger access and the master secret: every account
  at its shuffle position with its values, every other leaf the expected padding leaf;
- :func:`leaf_secret`: s = HKDF(master secret, salt = epoch id, info = "por/v1/leaf" || account id).
"""

from por.tree.audit import verify_tree
from por.tree.build import (
    DEFAULT_BLOCK_SIZE,
    DEFAULT_BLOCK_SIZES,
    DEFAULT_PROOF_ENCODING,
    PROOF_ENCODINGS,
    TreeInfo,
    build_tree,
)
from por.tree.client_path import verify_client_proof
from por.tree.complete import verify_completeness
from por.tree.leaf import leaf_secret
from por.tree.proof import CLIENT_FORMAT, client_proof, iter_client_proofs, write_client_proofs
from por.tree.prove import prove_tree, tree_info
from por.tree.store import ACCOUNTS_NAME, OPENING_NAME, STORE_NAME, TreeStore

__all__ = [
    "ACCOUNTS_NAME", "CLIENT_FORMAT", "DEFAULT_BLOCK_SIZE", "DEFAULT_BLOCK_SIZES", "DEFAULT_PROOF_ENCODING",
    "OPENING_NAME", "PROOF_ENCODINGS", "STORE_NAME", "TreeInfo",
    "TreeStore", "build_tree", "client_proof", "iter_client_proofs", "leaf_secret", "prove_tree",
    "tree_info",
    "verify_client_proof", "verify_completeness", "verify_tree", "write_client_proofs",
]
