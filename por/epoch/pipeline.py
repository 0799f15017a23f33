"""The epoch pipeline: open → snapshot → build → prove → attest → seal → publish (docs/protocol.md §9.2).

Each stage reads what earlier stages wrote under ``private/<epoch-id>/`` and writes its own outputs
atomically; ``state.json`` records finished stages, so ``por epoch run`` after a crash or Ctrl-C
resumes at the first unfinished stage. Sealing runs the auditor's full verification on the staged
bundle and refuses to sign when any check fails.

- open: epoch id, nonce, master secret (0600), the previous epoch's log position, settings.
- snapshot: client liabilities at a journal sequence (streamed to a private file), the ledger log
  root and its consistency proof from the previous epoch, prices of record (the quorum median of the
  oracles' ``price`` entries in the journal up to the cut-off entry, which the oracles' epoch-bound
  price reports must repeat).
- build: the liabilities tree (leaves, commitments, inner nodes) in the tree store.
- prove: node-range proof blocks and collateral proofs.
- attest: the oracles' price reports bound to the epoch (they must repeat the prices of record),
  attestation requests, collection and policy evaluation; solvency proofs per asset.
- seal: assemble and verify the bundle, write and sign ``manifest.json``.
- publish: move the bundle into ``epochs/``, write every client's inclusion proof.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from por import PROTOCOL, canonical
from por import tree as sum_tree  # called through the module: tests substitute its functions
from por.bundle import parse_manifest
from por.crypto import statements
from por.epoch.bundle import MANIFEST_FORMAT, list_files, read_signed_manifest, write_signed_manifest
from por.epoch.sources import SYSTEM, Sources
from por.epoch.state import STAGES, EpochState, now_iso, write_atomic
from por.epoch.workspace import Workspace
from por.errors import DocumentError, EpochError, PorError, PriceError, UsageError
from por.ledger.snapshot import client_rows
from por.reserves import attestation as A
from por.reserves.ledger_adapter import (
    config_ref,
    keyring_from_ledger,
    ledger_quotes,
    record_collection,
    reserves_config,
)
from por.reserves.oracle import PRICES_FORMAT, SignedReport, aggregate_price, reporting_currency_quote
from por.reserves.policy import (
    EpochContext,
    collateral_prices_of,
    evaluate,
    haircuts_of,
    load_attestations,
    reserves_section,
)
from por.reserves.solvency import prove_solvency
from por.result import Result
from por.tree.build import DEFAULT_BLOCK_SIZES, DEFAULT_PROOF_ENCODING, check_encoding
from por.tree.leaf import solvency_key
from por.tree.secret_file import read_master_secret, write_master_secret
from por.units import iso_seconds, parse_time, shift_seconds

Progress = Callable[[str, int, int], None]


class SealCheck(Protocol):
    """The auditor's verifier as the seal stage runs it on the staged bundle (``por.verify.verify_bundle``)."""

    def __call__(self, bundle: str | Path, *, operator_key: str | None, previous: str | Path | None,
                 discover_previous: bool, trust_bundle_keyring: bool, executor: Any,
                 progress: Progress | None) -> Result: ...

SNAPSHOT = "snapshot.jsonl"
TREE_DIR = "tree"


class Simulators(Protocol):
    """Parties a demo plays itself (``por.epoch.demo.DemoParties``), called where the real ones deliver.

    Production passes none: the oracles post their ``price`` entries and sign their reports into the
    price inbox (``por oracle submit``), the custodians sign the attestation requests (``por attest
    sign``), and the pipeline waits for them (docs/protocol.md §9.2; §8.5, §8.3)."""

    def post_prices(self, ledger: Any) -> None:
        """Before the snapshot: each oracle posts a ``price`` entry, so the cut-off has fresh prices."""

    def sign_price_reports(self, ledger: Any, epoch_id: str, cutoff: str,
                           of_record: dict[str, dict[str, Any]], seq: int, inbox: Path) -> None:
        """Each oracle signs, bound to the epoch and cut-off, the prices of record into ``inbox``."""

    def sign_attestations(self, reserves_config: Any, requests: Path, inbox: Path) -> None:
        """The custodians (and co-signers) sign the attestation requests in ``requests`` into ``inbox``."""


def _dump(path: Path, obj: Any, *, mode: int | None = None) -> None:
    write_atomic(path, json.dumps(obj, indent=2, sort_keys=True).encode() + b"\n", mode)


def _load(path: Path) -> Any:
    return json.loads(path.read_text())


class Pipeline:
    """One epoch's run over a workspace. ``progress(stage, done, total)`` drives the display;
    ``simulators``: parties a demo plays itself (see :class:`Simulators`), none in production;
    ``sources``: the clock and entropy (:mod:`por.epoch.sources`), the real ones unless a reproducible
    demo injects its own."""

    def __init__(self, ws: Workspace, *, epoch_id: str | None = None, executor: Any = None,
                 progress: Progress | None = None, disclosure: str | None = None,
                 proofs: str | None = None, simulators: Simulators | None = None,
                 sources: Sources = SYSTEM, seal_check: SealCheck | None = None) -> None:
        self.ws = ws
        self.sources = sources  # SYSTEM in production: the real clock and OS randomness
        self.simulators = simulators  # None in production: real oracles and custodians deliver
        self.seal_check = seal_check  # the auditor's verifier, given by the caller (por.verify.verify_bundle)
        self.executor = executor
        self.progress: Progress = progress or (lambda stage, done, total: None)
        self._ledger: Any = None
        self._reserves: tuple[int, Any, Any] | None = None  # (journal seq, config, keyring)
        eid = epoch_id or ws.unfinished()
        self.epoch_id = eid or ws.next_epoch_id()
        self.private = ws.private_dir(self.epoch_id)
        self.state = EpochState(self.private)
        self._disclosure = disclosure
        self._proofs = proofs  # range-proof encoding of a new epoch (docs/protocol.md §7.5, §9.1)

    # ---- plumbing ---------------------------------------------------------------------------
    @property
    def ledger(self) -> Any:
        if self._ledger is None:
            self._ledger = self.ws.ledger(clock=self.sources.ledger_clock())
        return self._ledger

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None

    def run(self, until: str = "publish") -> EpochState:
        """Run every unfinished stage up to ``until`` (inclusive)."""
        if until not in STAGES:
            raise UsageError(f"unknown stage {until!r}; stages are {', '.join(STAGES)}")
        try:
            for stage in STAGES[: STAGES.index(until) + 1]:
                self.run_stage(stage)
        finally:
            self.close()
        return self.state

    def run_stage(self, stage: str) -> bool:
        """Run one stage if it is not done yet; returns whether it ran."""
        if stage not in STAGES:
            raise UsageError(f"unknown stage {stage!r}")
        if self.state.done(stage):
            return False
        for earlier in STAGES[: STAGES.index(stage)]:
            if not self.state.done(earlier):
                raise UsageError(f"epoch {self.epoch_id}: stage {stage!r} needs {earlier!r} first")
        getattr(self, f"_stage_{stage}")()
        return True

    def _master_secret(self) -> bytes:
        """The epoch master secret (:mod:`por.tree.secret_file`: hex text; raw in older workspaces)."""
        return read_master_secret(self.private / "master.secret")

    # ---- stages -----------------------------------------------------------------------------
    def _stage_open(self) -> None:
        self.private.mkdir(parents=True, exist_ok=True)
        secret_path = self.private / "master.secret"
        if not secret_path.exists():
            write_master_secret(secret_path, self.sources.token_bytes(32))
        previous = None
        published = self.ws.published()
        if published:
            last = read_signed_manifest(self.ws.bundle_dir(published[-1]))
            previous = {"epoch_id": last.signed.epoch_id, "size": last.signed.ledger_log.size,
                        "root": last.signed.ledger_log.root, "manifest_sha256": last.sha256}
        disclosure = self._disclosure or self.ws.epoch_setting("disclosure")
        if disclosure not in ("hidden", "auditor", "public"):
            raise UsageError(f"disclosure {disclosure!r} must be hidden, auditor or public")
        encoding = check_encoding(self._proofs or self.ws.epoch_setting("proofs") or DEFAULT_PROOF_ENCODING)
        self.state.mark_done(
            "open", epoch_id=self.epoch_id, nonce=self.sources.token_bytes(32).hex(), opened_at=now_iso(),
            previous=previous, disclosure=disclosure, mode=self.ws.epoch_setting("mode"),
            proof_encoding=encoding,
            block_size=int(self.ws.epoch_setting("block_size") or DEFAULT_BLOCK_SIZES[encoding]),
            min_height=int(self.ws.epoch_setting("min_height")),
        )
        self.progress("open", 1, 1)

    def _stage_snapshot(self) -> None:
        led = self.ledger
        if self.simulators is not None:  # a demo's oracles post fresh prices
            self.simulators.post_prices(led)
        owners = {a["id"]: a["owner"] for a in led.accounts()}
        with led.snapshot() as snap:
            meta = {"seq": snap.seq, "cutoff_time": snap.cutoff_time,
                    "columns": [list(c) for c in snap.columns], "asset_decimals": dict(snap.asset_decimals)}
            keep, rows = client_rows(snap.rows(), owners, len(meta["columns"]), self.progress)
        meta["columns"] = [meta["columns"][i] for i in keep]
        tmp = self.private / (SNAPSHOT + ".tmp")
        with tmp.open("w") as f:
            for client, values in rows:
                f.write(json.dumps([client, list(values)]) + "\n")
        count = len(rows)
        tmp.replace(self.private / SNAPSHOT)
        size, root = led.log_root(meta["seq"])
        prev = self.state.get("previous")
        log: dict[str, Any] = {"size": size, "root": root, "previous": None, "consistency_proof": None}
        if prev:
            log["previous"] = {"epoch_id": prev["epoch_id"], "size": prev["size"], "root": prev["root"]}
            log["consistency_proof"] = led.consistency_proof(prev["size"], size)
        _dump(self.private / "ledger-log.json", log)
        cutoff = iso_seconds(meta["cutoff_time"])
        self._check_decimals(meta["asset_decimals"], [a for a, _ in meta["columns"]], int(meta["seq"]))
        prices = self._prices_of_record(meta["cutoff_time"], [a for a, _ in meta["columns"]], int(meta["seq"]))
        self.state.mark_done("snapshot", snapshot=meta, clients=count, cutoff=cutoff, prices=prices)
        self.progress("snapshot", count, count)

    def _reserves_setup(self, seq: int | None = None) -> tuple[Any, Any]:
        """The reserves configuration in force at the snapshot's journal entry (the auditor checks the
        same) and the members' keyring; read once per run and entry."""
        if seq is None:
            seq = int(self.state.get("snapshot")["seq"])
        if self._reserves is None or self._reserves[0] != seq:
            self._reserves = (seq, reserves_config(self.ledger, at_seq=seq), keyring_from_ledger(self.ledger))
        return self._reserves[1], self._reserves[2]

    def _check_decimals(self, ledger_decimals: dict[str, int], columns: list[str], seq: int) -> None:
        """The governed configuration's decimals are the ledger's asset table's, for every asset the
        configuration names and every column asset (the auditor checks the same, protocol §9.5)."""
        cfg, _ = self._reserves_setup(seq)
        missing = sorted(a for a in set(columns) if a not in cfg.decimals)
        if missing:
            raise EpochError(f"the reserves configuration names no decimals for {missing}: add the assets to "
                             f"the governed reserves configuration (config.set)")
        differ = {a: (d, ledger_decimals.get(a)) for a, d in cfg.decimals.items()
                  if a in ledger_decimals and ledger_decimals[a] != d}
        if differ:
            raise EpochError("the governed reserves configuration's decimals differ from the ledger's asset table: "
                             + ", ".join(f"{a} {c} (ledger {lg})" for a, (c, lg) in sorted(differ.items())))

    def _prices_of_record(self, cutoff_time: str, assets: list[str], seq: int) -> dict[str, int]:
        """Prices of record at the cut-off (journal entry ``seq`` at ``cutoff_time``): per asset the
        quorum median of the oracles' ``price`` entries in the journal up to that entry (protocol
        §9.2); saved with the entries used (``prices-of-record.json``)."""
        cfg, _ = self._reserves_setup(seq)
        of_record = ledger_quotes(self.ledger, cfg, assets, seq, cutoff_time)  # PriceError stops the epoch
        _dump(self.private / "prices-of-record.json", {"journal_seq": seq, "cutoff_time": cutoff_time,
                                                        "quotes": of_record})
        return {a: int(q["price_e8"]) for a, q in of_record.items()}

    def _collect_price_reports(self) -> None:
        """The oracles' price reports bound to this epoch and its cut-off (the price inbox) must give
        the prices of record (same policy, judged at the cut-off): they are what an auditor without
        the ledger checks, saved in ``prices.json``. Until a quorum is in, the epoch waits here (the
        snapshot, hence the cut-off the reports name, stays)."""
        cfg, keyring = self._reserves_setup()
        cutoff, seq = self.state.get("cutoff"), int(self.state.get("snapshot")["seq"])
        of_record = _load(self.private / "prices-of-record.json")["quotes"]
        if self.simulators is not None:  # a demo's oracles sign their reports into the inbox
            self.simulators.sign_price_reports(self.ledger, self.epoch_id, cutoff, of_record, seq,
                                               self.ws.price_inbox)
        reports: list[Any] = []
        inbox = self.ws.price_inbox
        for p in sorted(inbox.glob("*.json")) if inbox.is_dir() else []:
            try:
                reports.append(SignedReport.load(p))
            except PorError:
                continue  # a malformed (or format 1, unbound) report is not counted
        now = parse_time(cutoff)
        quotes: dict[str, Any] = {}
        used: list[dict[str, Any]] = []
        for asset, rec in sorted(of_record.items()):
            if rec.get("reporting_currency"):
                quotes[asset] = reporting_currency_quote(asset, cutoff)
                continue
            try:
                q = aggregate_price(reports, cfg.price[asset], keyring, now, epoch=(self.epoch_id, cutoff))
            except PriceError as exc:
                raise EpochError(
                    f"epoch {self.epoch_id}: no quorum of price reports for {asset} yet ({exc.diagnostics()}). "
                    f"The oracles sign the price of record {rec['price_e8']} with `por oracle submit --epoch "
                    f"{self.epoch_id} --cutoff {cutoff} ...` into {inbox}; then run `por epoch run` again") from exc
            if q.price_e8 != rec["price_e8"]:
                raise EpochError(f"{asset}: the oracles' price reports for {self.epoch_id} give {q.price_e8}, their "
                                 f"price entries in the ledger up to entry {seq} give {rec['price_e8']} (entries "
                                 f"{rec['entries']}); the reports must repeat the prices of record")
            quotes[asset] = {**q.to_dict(), "ledger_entries": rec["entries"]}
            used.extend(sr.to_dict() for sr in q.used)
        _dump(self.private / "prices.json", {"format": PRICES_FORMAT, "epoch_id": self.epoch_id, "cutoff": cutoff,
                                             "reporting_currency": cfg.reporting_currency,
                                             "quotes": quotes, "reports": used})

    def _columns(self) -> list[tuple[str, str]]:
        return [(a, k) for a, k in self.state.get("snapshot")["columns"]]

    def _rows(self) -> Iterator[tuple[str, tuple[int, ...]]]:
        with (self.private / SNAPSHOT).open() as f:
            for line in f:
                account, values = json.loads(line)
                yield account, tuple(values)

    def _haircuts(self) -> dict[str, int]:
        """The governed haircuts (reserves configuration, protocol §9.2) of the priced assets."""
        cfg, _ = self._reserves_setup()
        return haircuts_of(cfg, self.state.get("prices"))

    def _reporting_currency(self) -> str:
        cfg, _ = self._reserves_setup()
        return str(cfg.reporting_currency)

    def _stage_build(self) -> None:
        out = self.private / TREE_DIR
        if out.exists():
            shutil.rmtree(out)  # a half-written build is redone from the snapshot
        info = sum_tree.build_tree(
            self._columns(), self._rows(), epoch_id=self.epoch_id, master_secret=self._master_secret(),
            out_dir=out, mode=self.state.get("mode"), block_size=self.state.get("block_size"),
            min_height=self.state.get("min_height"), prices=self._collateral_prices(),
            haircuts_bps=self._haircuts(), context=bytes.fromhex(self.state.get("nonce")),
            executor=self.executor, progress=self.progress, range_proofs=False,
            # an epoch opened before the encoding was a setting is compressed (its block size is 8)
            proof_encoding=self.state.get("proof_encoding") or "compressed",
        )
        self.state.mark_done("build", tree=info.to_dict(), haircuts_bps=self._haircuts(),
                             collateral_prices=self._collateral_prices())

    def _collateral_prices(self) -> dict[str, int]:
        """Prices per MINOR unit on one common scale (protocol §9.2), from the governed decimals."""
        cfg, _ = self._reserves_setup()
        return collateral_prices_of(cfg, self.state.get("prices"))

    def _stage_prove(self) -> None:

        info = sum_tree.prove_tree(self.private / TREE_DIR, executor=self.executor, progress=self.progress,
                          master_secret=self._master_secret())
        self.state.mark_done("prove", tree=info.to_dict())

    def _stage_attest(self) -> None:
        self._collect_price_reports()
        cfg, keyring = self._reserves_setup()
        cutoff = self.state.get("cutoff")
        window = int(self.ws.epoch_setting("window_seconds"))
        ctx = EpochContext(self.epoch_id, self.state.get("nonce"), shift_seconds(cutoff, -window), shift_seconds(cutoff, window))
        req_dir = self.private / "attest" / "requests"
        req_dir.mkdir(parents=True, exist_ok=True)
        inbox = self.ws.attestation_inbox(self.epoch_id)
        inbox.mkdir(parents=True, exist_ok=True)
        claimed = self._custodian_holdings(cfg)
        for (custodian, asset), amount in sorted(claimed.items()):
            att = A.request(self.epoch_id, custodian, asset, amount, f"{custodian}:{asset}", cutoff,
                            self.state.get("nonce"))
            att.dump(req_dir / f"{custodian}-{asset}.json")
        if self.simulators is not None:  # a demo's custodians (and co-signers) sign the requests
            self.simulators.sign_attestations(cfg, req_dir, inbox)
        files = sorted(inbox.glob("*.json"))
        if not files:
            raise EpochError(
                f"epoch {self.epoch_id}: no signed attestations yet. Requests are in {req_dir}; custodians "
                f"sign them with `por attest sign`, put the results in {inbox}, then run `por epoch run` again")
        items = load_attestations(files)
        ev = evaluate(items, keyring, cfg.reserve, ctx, now=self.sources.clock.now())
        _dump(self.private / "attestation-evaluation.json", ev.to_dict())
        totals = ev.totals()
        # the public attestations file: every collected attestation, counted or not
        docs = [{"label": label, "attestation": att.to_dict() if not hasattr(att, "error") else None,
                 "error": getattr(att, "error", None)} for label, att in items]
        _dump(self.private / "attestations.json", {"format": "por-attestations/1", "epoch": ctx.to_dict(),
                                                   "attestations": docs})
        self._prove_solvency(totals)
        if not self.state.get("collection_recorded"):
            record_collection(self.ledger, self.ws.signer("operator"), self.epoch_id, ev)
            self.state.set(collection_recorded=True)
        self.state.mark_done("attest", epoch_context=ctx.to_dict(), reserves=totals,
                             outcomes=[o.to_dict() for o in ev.outcomes])
        self.progress("attest", 1, 1)

    def _custodian_holdings(self, cfg: Any) -> dict[tuple[str, str], int]:
        """What the operator asks each custodian to attest: the ledger's view of its holdings.

        A custodian's holding of an asset is minus the balance of its ``reserve:<custodian>`` account;
        the asset's own custodian also holds what settled trades brought in (minus the ``street``
        balance)."""
        led = self.ledger
        out: dict[tuple[str, str], int] = {}
        for acc in led.accounts("reserve"):
            custodian = acc["id"].split(":", 1)[1]
            for asset, books in led.balance(acc["id"]).items():
                out[(custodian, asset)] = out.get((custodian, asset), 0) - books.get("main", 0)
        street = led.balance("street") if any(a["id"] == "street" for a in led.accounts()) else {}
        for asset, info in led.assets().items():
            key = (info.custodian, asset)
            out[key] = out.get(key, 0) - street.get(asset, {}).get("main", 0)
        return {(c, a): v for (c, a), v in out.items()
                if v > 0 and a in cfg.reserve and c in cfg.reserve[a].custodians}

    def _prove_solvency(self, reserves: dict[str, int]) -> None:
        """One solvency proof per asset, its randomness keyed by the epoch's solvency key (docs/protocol.md
        §8.7): a re-run of the stage writes the same proofs."""
        key = solvency_key(self._master_secret(), self.epoch_id)
        tree = self.state.get("tree")
        opening = _load(self.private / TREE_DIR / "root-opening.json")
        columns = self._columns()
        disclosure = self.state.get("disclosure")
        public: dict[str, Any] = {}
        auditor: dict[str, Any] = {}
        roots = tree["root"]
        for asset in sorted({a for a, _ in columns}):
            commitments = {k: bytes.fromhex(roots[i]) for i, (a, k) in enumerate(columns) if a == asset}
            openings = {k: _opening(opening, i) for i, (a, k) in enumerate(columns) if a == asset}
            doc, aud = prove_solvency(asset, reserves.get(asset, 0), commitments, openings, self.epoch_id,
                                      self.state.get("nonce"), disclosure, key=key)
            public[asset] = doc
            if aud is not None:
                auditor[asset] = aud
        _dump(self.private / "solvency.json", {"format": "por-solvency-set/1", "proofs": public})
        if auditor:
            _dump(self.private / "auditor-openings.json", {"format": "por-auditor-openings/1",
                                                           "epoch_id": self.epoch_id, "openings": auditor},
                  mode=0o600)

    def _stage_seal(self) -> None:
        if self.seal_check is None:  # fail closed: a bundle is never sealed unchecked (docs/protocol.md §9.2)
            raise EpochError(f"epoch {self.epoch_id}: refusing to seal, no seal check was given: construct the "
                             "Pipeline with seal_check=por.verify.verify_bundle (the auditor's verifier)")
        staging = self.private / "staging"  # operator-only until published (a refused seal leaves nothing public)
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
        tree = self.state.get("tree")
        shutil.copy2(self.private / TREE_DIR / tree["store"], staging / tree["store"])
        for name in ("ledger-log.json", "prices.json", "attestations.json", "solvency.json"):
            shutil.copy2(self.private / name, staging / name)
        cfg, keyring = self._reserves_setup()
        (staging / "keyring.json").write_text(json.dumps(keyring.to_dict(), indent=2, sort_keys=True))
        spec_dir = staging / "statements"
        spec_dir.mkdir()
        stmt_refs: dict[str, Any] = {}
        for sid in tree.get("statements", {}) or {}:
            st = statements.load(sid)
            stmt_refs[sid] = {"version": st.version, "sha256": st.sha256}
        stmt_refs["solvency"] = {"version": statements.load("solvency").version,
                                 "sha256": statements.load("solvency").sha256}
        import importlib.resources as res
        for sid in stmt_refs:
            (spec_dir / f"{sid}.toml").write_bytes((res.files("por.circuits") / f"{sid}.toml").read_bytes())
        snap = self.state.get("snapshot")
        public_tree = {k: v for k, v in tree.items() if k not in ("leaf_count", "private")}
        signed: dict[str, Any] = {
            "format": MANIFEST_FORMAT,
            "protocol": PROTOCOL,
            "epoch_id": self.epoch_id,
            "cutoff_time": snap["cutoff_time"],
            "journal_seq": snap["seq"],
            "nonce": self.state.get("nonce"),
            "ledger_log": _load(self.private / "ledger-log.json"),
            "columns": [{"asset": a, "kind": k} for a, k in self._columns()],
            "assets": assets_of(cfg, snap["asset_decimals"]),
            "reporting_currency": cfg.reporting_currency,
            "reporting_decimals": cfg.reporting_decimals,
            "tree": public_tree,
            "statements": stmt_refs,
            "disclosure": self.state.get("disclosure"),
            "epoch_context": self.state.get("epoch_context"),
            "reserves_config": cfg.to_dict(),
            "reserves_config_ref": self._config_ref(cfg),
            "reserves": reserves_section(self.state.get("reserves"), self.state.get("outcomes")),
            "prices": self.state.get("prices"),
            "haircuts_bps": self.state.get("haircuts_bps"),
            "collateral_prices": self.state.get("collateral_prices"),
            "previous": self.state.get("previous"),
            "created_at": self.sources.now_seconds(),
        }
        if self.state.get("disclosure") == "public":
            signed["liabilities"] = self._liabilities()
            signed["tree"]["leaf_count"] = tree["leaf_count"]
        signed["files"] = list_files(staging)
        # the verifiers' own model: the prover cannot sign a manifest the verifiers would refuse to read
        try:
            unsigned = parse_manifest(canonical.dumps({"signed": signed, "signatures": []}))
        except DocumentError as exc:
            raise EpochError(f"epoch {self.epoch_id}: refusing to seal a malformed manifest: {exc.diagnostics()}") from None
        operator = self.ws.signer("operator")
        manifest = unsigned.sign(operator.key, "operator", operator.member_id)
        write_signed_manifest(staging, manifest)
        prev = self.state.get("previous")
        result = self.seal_check(staging, operator_key=operator.public_hex,
                                 previous=self.ws.bundle_dir(prev["epoch_id"]) if prev else None,
                                 discover_previous=False, trust_bundle_keyring=True,  # the operator's own keyring
                                 executor=self.executor,
                                 progress=lambda stage, done, total: self.progress(f"seal: {stage}", done, total))
        _dump(self.private / "seal-verification.json", result.to_dict())
        if not result.ok:
            lines = "; ".join(f"{c.id}: {c.message}" for c in result.failures[:5])
            raise EpochError(f"epoch {self.epoch_id}: refusing to seal, {len(result.failures)} check(s) "
                             f"failed: {lines}")
        self.state.mark_done("seal", manifest_sha256=manifest.sha256)
        self.progress("seal", 1, 1)

    def _config_ref(self, cfg: Any) -> dict[str, Any]:
        return config_ref(self.ledger, cfg, int(self.state.get("snapshot")["seq"]))

    def _liabilities(self) -> dict[str, Any]:
        opening = _load(self.private / TREE_DIR / "root-opening.json")
        out: dict[str, dict[str, int]] = {}
        for i, (a, k) in enumerate(self._columns()):
            out.setdefault(a, {})[k] = _opening(opening, i)[0]
        return out

    def _stage_publish(self) -> None:
        staging = self.private / "staging"  # operator-only until published (a refused seal leaves nothing public)
        final = self.ws.bundle_dir(self.epoch_id)
        if staging.exists():
            if final.exists():
                shutil.rmtree(final)
            final.parent.mkdir(parents=True, exist_ok=True)
            staging.replace(final)
        dest = self.ws.client_proofs_dir(self.epoch_id)
        tmp = dest.with_name(dest.name + ".partial")
        if tmp.exists():
            shutil.rmtree(tmp)
        n = sum_tree.write_client_proofs(self.private / TREE_DIR, tmp, master_secret=self._master_secret(),
                                manifest_sha256=self.state.get("manifest_sha256"))
        if dest.exists():
            shutil.rmtree(dest)
        tmp.replace(dest)
        os.chmod(dest, 0o700)
        if not self.state.get("publish_recorded"):
            log = read_signed_manifest(final).signed.ledger_log
            self.ledger.submit(self.ws.signer("operator"), "epoch.publish", {
                "epoch_id": self.epoch_id, "manifest_sha256": self.state.get("manifest_sha256"),
                "log_size": log.size, "log_root": log.root})
            self.state.set(publish_recorded=True)
        self.state.mark_done("publish", bundle=str(final), client_proofs=str(dest), client_proof_count=n,
                             published_at=now_iso())
        self.progress("publish", n, n)


def assets_of(cfg: Any, ledger_decimals: dict[str, int]) -> dict[str, Any]:
    """The manifest's ``assets``: the ledger's assets the governed configuration names, with the
    configuration's decimals (protocol §9.4; the pipeline checked they are the ledger's)."""
    return {a: {"decimals": int(cfg.decimals[a])} for a in sorted(ledger_decimals) if a in cfg.decimals}


def _opening(doc: dict[str, Any], column: int) -> tuple[int, int]:
    """(value, blinding) of the root's column ``column`` from the tree's private opening file."""
    value = int(doc["values"][column])
    blindings = doc.get("blindings")
    return value, int(blindings[column], 16) if blindings else 0
