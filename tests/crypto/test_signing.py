"""The signature domains are pairwise prefix-free, so no signature serves two purposes."""

from __future__ import annotations

import pytest

from por.errors import UsageError
from por.signing import PURPOSES, domain, signing_input


def test_domains_prefix_free() -> None:
    ds = {p: domain(p) for p in PURPOSES}
    for a, da in ds.items():
        assert b"\x00" not in a.encode()
        for b, db in ds.items():
            if a != b:
                assert not db.startswith(da), (a, b)


def test_manifest_domain_is_the_published_one() -> None:
    # the manifest's signing input predates this module; it must not change (docs/protocol.md §9.4)
    assert domain("v1/manifest") == b"por/v1/manifest\x00"
    assert signing_input("v1/report", b"x") == b"por/v1/report\x00x"


def test_unknown_purpose_refused() -> None:
    with pytest.raises(UsageError):
        domain("v1/anything")
