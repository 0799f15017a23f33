"""por.parallel: executors map module-level tasks over picklable units, in unit order."""

from __future__ import annotations

from por.parallel import Executor, LocalExecutor, SerialExecutor, get_executor


def square(x: int) -> int:
    return x * x


def test_serial_and_local_agree_and_keep_order() -> None:
    units = list(range(50))
    assert list(SerialExecutor().map(square, units)) == [x * x for x in units]
    with LocalExecutor(2) as ex:
        assert isinstance(ex, Executor)
        assert list(ex.map(square, iter(units))) == [x * x for x in units]
        assert list(ex.map(square, [])) == []


def test_default_executor_choice() -> None:
    ex, owned = get_executor(None, work=1, threshold=100)
    assert isinstance(ex, SerialExecutor) and not owned
    mine = SerialExecutor()
    assert get_executor(mine, work=10**9, threshold=1) == (mine, False)
    assert LocalExecutor().workers >= 1


def test_bench_synthesized_path_is_a_valid_client_proof() -> None:
    from por.bench.tree import synthesize_client_proof
    from por.tree import verify_client_proof

    p = synthesize_client_proof(height=3, block_size=2)
    res = verify_client_proof(p, root_hash=p["root"]["hash"])
    assert res.ok, res.failures
