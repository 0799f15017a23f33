"""Pedersen commitments: homomorphism (Hypothesis), encodings, identity, backends agree."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from por.crypto.backend import IDENTITY_BYTES, get_backend
from por.crypto.pedersen import add, combine, commit
from por.crypto.scalar import R

scalars = st.integers(min_value=0, max_value=R - 1)
small = st.integers(min_value=-(2**70), max_value=2**70)


@settings(max_examples=25, deadline=None)
@given(v1=scalars, g1=scalars, v2=scalars, g2=scalars)
def test_additive_homomorphism(v1, g1, v2, g2):
    assert add(commit(v1, g1), commit(v2, g2)) == commit(v1 + v2, g1 + g2)


@settings(max_examples=20, deadline=None)
@given(vals=st.lists(st.tuples(scalars, scalars, small), min_size=1, max_size=4), const=small)
def test_linear_combination_with_integer_coefficients(vals, const):
    cms = [commit(v, g) for v, g, _ in vals]
    coefs = [c for _, _, c in vals]
    value = sum(c * v for v, _, c in vals) + const
    blind = sum(c * g for _, g, c in vals)
    assert combine(cms, coefs, const) == commit(value, blind)


def test_commitment_is_48_bytes_and_hiding_by_blinding():
    c = commit(5, 1)
    assert len(c) == 48 and c != commit(5, 2) and c != commit(6, 1)
    assert commit(0, 0) == IDENTITY_BYTES
    assert combine([c, c], [1, -1]) == IDENTITY_BYTES


def test_backends_agree_on_commitments():
    fast, ref = get_backend("fast"), get_backend("reference")
    for v, g in ((0, 1), (2**64 - 1, R - 1), (123, 456)):
        assert commit(v, g, fast) == commit(v, g, ref)
    cms = [commit(3, 4, fast), commit(5, 6, fast)]
    assert combine(cms, [7, -2], 11, fast) == combine(cms, [7, -2], 11, ref)
