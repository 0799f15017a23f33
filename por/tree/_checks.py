"""What the client's and the auditor's tree verifiers share: the statement check and the way a
list of failures is named (docs/protocol.md §7.10, §7.11)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from por.errors import PorError
from por.result import Result

MAX_NAMED = 10  # failures named one by one before "and N more"


def name_items(items: Sequence[str]) -> str:
    """The first :data:`MAX_NAMED` items, then how many more."""
    head = ", ".join(items[:MAX_NAMED])
    return head + (f" and {len(items) - MAX_NAMED} more" if len(items) > MAX_NAMED else "")


def statement_check(res: Result, check_id: str, refs: Any, names: Sequence[str]) -> bool:
    """The statements ``names`` are recorded in ``refs`` with the ids, hashes, versions and bit widths of
    this verifier's own specifications (docs/protocol.md §5.1); one check ``check_id``."""
    from por.crypto import statements as st

    problems = []
    for name in names:
        ref = refs.get(name) if isinstance(refs, dict) else None
        if not isinstance(ref, dict):
            problems.append(f"{name}: not recorded")
            continue
        try:
            local = st.load(name)
        except PorError as exc:
            problems.append(f"{name}: cannot load the local specification ({exc})")
            continue
        if ref.get("id") != local.id or ref.get("sha256") != local.sha256:
            problems.append(f"{name}: recorded sha256 {str(ref.get('sha256'))[:16]}... differs from the local "
                            f"specification {local.sha256[:16]}...")
        elif ref.get("version") != local.version or ref.get("bits") != local.bits:
            problems.append(f"{name}: recorded version {ref.get('version')!r:.20} and bits {ref.get('bits')!r:.20} "
                            f"differ from the specification's {local.version} and {local.bits}")
    if problems:
        return res.add(check_id, False, "statements do not match: " + "; ".join(problems))
    return res.add(check_id, True, f"statements {', '.join(names) or '(none)'} match their specifications")
