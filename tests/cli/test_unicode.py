"""A lone surrogate in a hostile document (JSON's ``\\ud800`` escape) is a failed check or a usage
error, never a UnicodeEncodeError: the two cases the mutation test found, pinned."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from por import canonical
from por.cli._output import print_result, printable
from por.errors import EncodingError
from por.result import Result


def test_canonical_refuses_a_lone_surrogate() -> None:
    with pytest.raises(EncodingError, match="lone surrogate"):
        canonical.loads(b'{"epoch_id":"\\ud800"}', require_canonical=True)
    with pytest.raises(EncodingError):
        canonical.dumps({"a": "\ud800"})
    assert canonical.loads(b'{"a":"\\u00e9"}', require_canonical=False) == {"a": "\u00e9"}


def test_a_result_quoting_a_lone_surrogate_prints() -> None:
    res = Result("bundle \ud800")
    res.failed("price.\ud800", "asset '\ud800' is not priced")
    with CliRunner().isolation() as (out, _err, *_):
        assert print_result(res, as_json=False) == 1
        assert print_result(res, as_json=True) == 1
    text = out.getvalue().decode("utf-8")
    assert "\\ud800" in text and "FAIL" in text
    assert printable("plain \u00e9") == "plain \u00e9"
