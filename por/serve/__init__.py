"""``por serve``: the operator's HTTP service for clients (docs/protocol.md §12).

- :mod:`por.serve.app`: the Starlette application (routes, error bodies, middleware order);
- :mod:`por.serve.auth`: the platform's auth key, bearer tokens (Ed25519 JWT) minted and checked;
- :mod:`por.serve.files`: public bundle and static files, read-only, with safe path resolution;
- :mod:`por.serve.proofs`: a client's own inclusion proof, built on request from the private store;
- :mod:`por.serve.limits`: rate limits, request size bounds, security headers, the access log;
- :mod:`por.serve.cli`: ``por serve``, ``por serve keygen``, ``por serve token``.
"""
