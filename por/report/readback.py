"""Reading an exported report back from its bytes, and checking it against the epoch bundles
(docs/protocol.md §11.5).

A signed file is a report only if it is one of the four exports of a ``por-report/1`` report, each
recognised by its own structure (:func:`read_report`):

- **json**: a JSON object whose ``format`` is ``por-report/1`` and which parses as a whole report;
- **csv**: a zip holding ``report.csv`` (``format,por-report/1``), ``columns.csv`` and one CSV per table;
- **xlsx**: a workbook whose ``Summary`` sheet names ``format`` ``por-report/1``, one sheet per table;
- **pdf**: a PDF whose document-information ``Keywords`` is the JSON
  ``{"format": "por-report/1", "manifests": [[epoch_id, manifest_sha256], ...]}``.

Every format binds each epoch it covers to the SHA-256 of that epoch manifest's canonical signed body
(the ``manifest_sha256`` column of the ``epochs`` table; the PDF's Keywords). Given the bundles,
:func:`check_against_bundles` checks those hashes and recomputes the bundle tables (``epochs``,
``coverage``, ``reserves``, ``attestation_signers``, ``log_roots``) from the bundles' manifests, cell by
cell, for json, csv and xlsx. A PDF's figures are rounded to major units and long tables are cut, so
its recomputation is a failed check that names the exports that can be recomputed.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from por.bundle.manifest import MANIFEST
from por.canonical import parse_json
from por.errors import PorError, ReportError
from por.report.model import REPORT_FORMAT, Cell, ReportData, Table
from por.result import Check, Result

#: the tables read from the bundles' manifests alone (the rest come from a ledger or a margin book)
BUNDLE_TABLES = ("epochs", "coverage", "reserves", "attestation_signers", "log_roots")
#: unpacked size limit of a zip export (csv, xlsx) before anything is decompressed
MAX_UNPACKED = 256 << 20
_HEX64 = re.compile(r"[0-9a-f]{64}")

#: ``table -> None`` when the report's table equals the recomputed one, else a sentence naming the
#: first difference
TableComparer = Callable[[Table], str | None]


@dataclass(slots=True)
class ReportFile:
    """What a verifier needs from an exported report, whatever its format."""

    kind: str  # json | csv | xlsx | pdf
    format: str
    manifests: list[tuple[str, str]] = field(default_factory=list)
    manifests_error: str | None = None
    generated_at: str | None = None
    #: epoch_id -> the verification checks the report records for it (json, csv, xlsx)
    recorded: dict[str, list[Check]] = field(default_factory=dict)
    #: compares one recomputed table with the report's; None for a PDF (not recomputable)
    compare: TableComparer | None = None
    currency: tuple[str, int] | None = None
    #: why the report's stated outcome disagrees with the checks it records (None: it agrees)
    inconsistent: str | None = None


def _outcome(recorded: dict[str, list[Check]]) -> bool:
    return bool(recorded) and all(bool(cs) and all(c.ok for c in cs) for cs in recorded.values())


def _said(stated: object, recorded: dict[str, list[Check]], passed: object, failed: object) -> str | None:
    want = passed if _outcome(recorded) else failed
    if stated != want:
        return f"the report states verification {stated!r:.20} but the checks it records say {want!r}"
    return None


def _major(fmt: object) -> bool:
    return isinstance(fmt, str) and fmt.split(".")[0] == REPORT_FORMAT


def _bindings(pairs: Sequence[tuple[object, object]], where: str) -> tuple[list[tuple[str, str]], str | None]:
    """Validated ``(epoch_id, manifest_sha256)`` pairs, or the reason they do not bind the report."""
    if not pairs:
        return [], f"the report names no epoch with a manifest hash ({where})"
    out: list[tuple[str, str]] = []
    for e, h in pairs:
        if not isinstance(e, str) or not e:
            return [], f"an epoch id in {where} is not a string: {e!r:.40}"
        if not isinstance(h, str) or not _HEX64.fullmatch(h):
            return [], (f"epoch {e}: no manifest hash in {where} (found {h!r:.70}), so its figures are bound to "
                        "no manifest")
        out.append((e, h))
    ids = [e for e, _ in out]
    if len(set(ids)) != len(ids):
        return [], f"an epoch appears twice in {where}: {', '.join(sorted({e for e in ids if ids.count(e) > 1}))}"
    return out, None


def _table_bindings(headers: list[str], rows: Sequence[Sequence[object]], where: str) -> tuple[list[tuple[str, str]], str | None]:
    if "epoch_id" not in headers or "manifest_sha256" not in headers:
        return [], f"{where} has no epoch_id and manifest_sha256 columns: the figures are bound to no manifest"
    ie, ih = headers.index("epoch_id"), headers.index("manifest_sha256")
    return _bindings([(r[ie] if ie < len(r) else None, r[ih] if ih < len(r) else None) for r in rows], where)


def _recorded(rows: Sequence[Sequence[object]]) -> dict[str, list[Check]]:
    """The verification table's ``(epoch_id, check, result, message)`` rows, per epoch."""
    out: dict[str, list[Check]] = {}
    for r in rows:
        if len(r) >= 4:
            out.setdefault(str(r[0]), []).append(Check(str(r[1]), r[2] == "PASS", "" if r[3] is None else str(r[3])))
    return out


def _first_difference(name: str, headers: list[str], want: Sequence[Sequence[Any]], got: Sequence[Sequence[Any]],
                      same: Callable[[Any, Any], bool]) -> str | None:
    for i, (w, g) in enumerate(zip(want, got, strict=False)):
        if len(w) != len(g):
            return f"table {name} row {i + 1}: {len(g)} cells, the bundles give {len(w)}"
        for j, (a, b) in enumerate(zip(w, g, strict=True)):
            if not same(a, b):
                col = headers[j] if j < len(headers) else str(j + 1)
                return f"table {name} row {i + 1} column {col}: the report says {b!r:.80}, the bundles give {a!r:.80}"
    if len(want) != len(got):
        return f"table {name}: the report has {len(got)} rows, the bundles give {len(want)}"
    return None


# --------------------------------------------------------------------------------------------------
# the four formats


def _read_json(data: bytes) -> ReportFile:
    doc = parse_json(data)
    if not isinstance(doc, dict):
        raise ReportError("a JSON document but not an object")
    if not _major(doc.get("format")):
        raise ReportError(f"a JSON document of format {str(doc.get('format'))!r:.60}, not {REPORT_FORMAT}")
    report = ReportData.from_dict(doc)
    rf = ReportFile("json", report.format, generated_at=report.generated_at,
                    currency=(report.reporting_currency, report.currency_decimals))
    pairs = report.manifests()
    if not pairs:
        rf.manifests_error = "the epochs table has no manifest_sha256 column: the figures are bound to no manifest"
    else:
        rf.manifests, rf.manifests_error = _bindings(pairs, "the epochs table")
        if rf.manifests_error is None and tuple(e for e, _ in pairs) != report.epochs:
            rf.manifests_error = (f"the report's epochs {list(report.epochs)} are not those of its epochs table "
                                  f"{[e for e, _ in pairs]}")
    rf.recorded = {v.epoch_id: list(v.checks) for v in report.verification}
    ver = doc.get("verification")
    rf.inconsistent = _said(ver.get("ok") if isinstance(ver, dict) else None, rf.recorded, True, False)
    for v in report.verification:
        if v.ok != (bool(v.checks) and all(c.ok for c in v.checks)):
            rf.inconsistent = f"epoch {v.epoch_id}: the report states ok={v.ok} but the checks it records say otherwise"
    tables = {t.name: t for t in report.tables}

    def compare(t: Table) -> str | None:
        mine = tables.get(t.name)
        if mine is None:
            return f"the report has no table {t.name}"
        if [c.to_dict() for c in mine.columns] != [c.to_dict() for c in t.columns]:
            return f"table {t.name}: columns {[c.name for c in mine.columns]} (names, types, units) are not the bundles'"
        return _first_difference(t.name, [c.name for c in t.columns], t.rows, mine.rows,
                                 lambda a, b: type(a) is type(b) and a == b)

    rf.compare = compare
    return rf


def _zip_members(data: bytes) -> zipfile.ZipFile:
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReportError(f"a zip that does not open: {exc}") from None
    if sum(i.file_size for i in infos) > MAX_UNPACKED:
        raise ReportError(f"a zip that unpacks to more than {MAX_UNPACKED >> 20} MiB")
    return z


def _csv_rows(z: zipfile.ZipFile, name: str) -> list[list[str]]:
    try:
        text = z.read(name).decode("utf-8")
    except KeyError:
        raise ReportError(f"the zip has no {name}") from None
    except (zipfile.BadZipFile, UnicodeDecodeError, OSError, ValueError) as exc:
        raise ReportError(f"{name} in the zip is unreadable: {exc}") from None
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise ReportError(f"{name} is not CSV: {exc}") from None


def _read_csv_zip(z: zipfile.ZipFile) -> ReportFile:
    meta = {r[0]: r[1] for r in _csv_rows(z, "report.csv")[1:] if len(r) == 2}
    if not _major(meta.get("format")):
        raise ReportError(f"report.csv names format {meta.get('format')!r:.60}, not {REPORT_FORMAT}")
    columns = _csv_rows(z, "columns.csv")
    names = set(z.namelist())
    tables = list(dict.fromkeys(r[0] for r in columns[1:] if r))
    for t in tables:
        if f"{t}.csv" not in names:
            raise ReportError(f"columns.csv lists table {t} but the zip has no {t}.csv")
    cur = meta.get("currency_decimals", "")
    rf = ReportFile("csv", meta["format"], generated_at=meta.get("generated_at") or None,
                    currency=(meta.get("reporting_currency", ""), int(cur)) if cur.isdigit() else None)
    if "epochs" in tables:
        ep = _csv_rows(z, "epochs.csv")
        rf.manifests, rf.manifests_error = _table_bindings(ep[0] if ep else [], ep[1:], "epochs.csv")
    else:
        rf.manifests_error = "the zip has no epochs table: the figures are bound to no manifest"
    if "verification" in tables:
        rf.recorded = _recorded(_csv_rows(z, "verification.csv")[1:])
    rf.inconsistent = _said(meta.get("verification"), rf.recorded, "passed", "FAILED")
    units = [r for r in columns[1:] if len(r) == 4]

    def compare(t: Table) -> str | None:
        if t.name not in tables:
            return f"the report has no table {t.name}"
        want_cols = [[t.name, c.name, c.type, c.unit] for c in t.columns]
        if [r for r in units if r[0] == t.name] != want_cols:
            return f"table {t.name}: columns.csv names other columns, types or units than the bundles give"
        rows = _csv_rows(z, f"{t.name}.csv")
        headers = [c.name for c in t.columns]
        if not rows or rows[0] != headers:
            return f"table {t.name}: the header of {t.name}.csv is not {headers}"
        want = [["" if c is None else str(c) for c in r] for r in t.rows]
        return _first_difference(t.name, headers, want, rows[1:], lambda a, b: bool(a == b))

    rf.compare = compare
    return rf


def _read_xlsx(data: bytes) -> ReportFile:
    from openpyxl import load_workbook

    from por.report.export import _xlsx_cell

    try:  # loaded whole (the zip's unpacked size is bounded first), so no later read can raise
        wb = load_workbook(io.BytesIO(data), read_only=False, data_only=True)
        sheets = {name: [list(r) for r in wb[name].iter_rows(values_only=True)] for name in wb.sheetnames}
    except Exception as exc:  # noqa: BLE001 - any way openpyxl refuses the bytes means "not a workbook"
        raise ReportError(f"an XLSX file that does not open: {type(exc).__name__}") from None

    def sheet(name: str) -> list[list[Any]]:
        if name not in sheets:
            raise ReportError(f"the workbook has no sheet {name!r}")
        return sheets[name]

    def table_rows(name: str) -> tuple[list[Any], list[Any], list[list[Any]]]:
        rows = sheet(name)
        body: list[list[Any]] = []
        for r in rows[2:]:
            if all(c is None for c in r):
                break
            body.append(r)
        width = len(rows[0]) if rows else 0
        return (rows[0] if rows else []), (rows[1] if len(rows) > 1 else []), [r[:width] for r in body]

    meta = {str(r[0]): r[1] for r in sheet("Summary") if len(r) >= 2 and r[0] is not None}
    if not _major(meta.get("format")):
        raise ReportError(f"the Summary sheet names format {meta.get('format')!r:.60}, not {REPORT_FORMAT}")
    rf = ReportFile("xlsx", str(meta["format"]), generated_at=str(meta.get("generated_at") or "") or None)
    if "epochs" in sheets:
        head, _, body = table_rows("epochs")
        rf.manifests, rf.manifests_error = _table_bindings([str(h) for h in head], body, "the epochs sheet")
    else:
        rf.manifests_error = "the workbook has no epochs sheet: the figures are bound to no manifest"
    if "verification" in sheets:
        rf.recorded = _recorded(table_rows("verification")[2])
    rf.inconsistent = _said(meta.get("verification"), rf.recorded, "PASSED", "FAILED")

    def cell(value: Cell, ctype: str) -> Any:
        v, _ = _xlsx_cell(value, ctype)
        if v == "":
            return None  # a spreadsheet stores an empty text cell as no cell
        return v  # ratios stay exact Decimals; compared below with the number the sheet stores

    def compare(t: Table) -> str | None:
        if t.name not in sheets:
            return f"the report has no sheet {t.name}"
        head, units, body = table_rows(t.name)
        headers = [c.name for c in t.columns]
        if list(head) != headers or [u or "" for u in units] != [c.unit for c in t.columns]:
            return f"table {t.name}: the sheet's column names or units are not the bundles'"
        want = [[cell(v, c.type) for v, c in zip(r, t.columns, strict=True)] for r in t.rows]
        return _first_difference(t.name, headers, want, body, _same_xlsx_value)

    rf.compare = compare
    return rf


def _same_xlsx_value(want: Any, got: Any) -> bool:
    """A report cell against what the sheet holds. A spreadsheet stores numbers as binary doubles, so a
    ratio (an exact decimal in the report) is compared with the shortest decimal that reads back as the
    stored double, ``Decimal(repr(got))``: exactly, never as floats."""
    if isinstance(got, bool) or isinstance(want, bool):
        return type(want) is type(got) and want == got
    if isinstance(want, Decimal):
        return isinstance(got, int | float) and want == Decimal(repr(got))
    if isinstance(want, int) and isinstance(got, float):
        return got.is_integer() and want == int(got)
    return type(want) is type(got) and want == got


_PDF_KEYWORDS = re.compile(rb"/Keywords\s*\(((?:[^()\\]|\\.)*)\)", re.S)


def _read_pdf(data: bytes) -> ReportFile:
    found = {m.group(1) for m in _PDF_KEYWORDS.finditer(data)}
    if len(found) != 1:
        raise ReportError("a PDF without exactly one Keywords entry naming its report format and manifests"
                          if not found else "a PDF with several different Keywords entries")
    raw = re.sub(rb"\\(.)", rb"\1", found.pop())
    try:
        doc = parse_json(raw)
    except PorError:
        raise ReportError("a PDF whose Keywords are not the report's JSON binding") from None
    if not isinstance(doc, dict) or not _major(doc.get("format")):
        raise ReportError(f"a PDF whose Keywords name no {REPORT_FORMAT}")
    rf = ReportFile("pdf", str(doc["format"]))
    pairs = doc.get("manifests")
    if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 for p in pairs):
        rf.manifests_error = "the PDF's Keywords carry no [epoch_id, manifest_sha256] list"
    else:
        rf.manifests, rf.manifests_error = _bindings([(p[0], p[1]) for p in pairs], "the PDF's Keywords")
    return rf


def read_report(data: bytes) -> ReportFile:
    """Recognise an exported report by its structure (see the module docstring).

    Raises:
        ReportError: the bytes are none of the four exports of a ``por-report/1`` report.
    """
    try:
        if data.startswith(b"%PDF-"):
            return _read_pdf(data)
        if data.startswith(b"PK\x03\x04"):
            z = _zip_members(data)
            names = set(z.namelist())
            if "xl/workbook.xml" in names:
                return _read_xlsx(data)
            if "report.csv" in names:
                return _read_csv_zip(z)
            raise ReportError("a zip that is neither a report's CSV zip (report.csv) nor an XLSX workbook")
        stripped = data.lstrip()
        if stripped.startswith(b"{"):
            return _read_json(data)
    except ReportError:
        raise
    except PorError as exc:
        raise ReportError(exc.diagnostics()) from None
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise ReportError(f"malformed report: {exc!r:.200}") from None
    raise ReportError(f"neither {REPORT_FORMAT} JSON, a report CSV zip, an XLSX workbook nor a PDF "
                      f"(it starts with {data[:24]!r})")


# --------------------------------------------------------------------------------------------------
# against the bundles


def _bundle_manifests(bundle_dirs: list[Path]) -> tuple[dict[str, tuple[Path, str]], dict[str, tuple[Path, str]],
                                                       list[str]]:
    """``(named, library, problems)``: epoch_id -> (directory, manifest hash) for the directories given
    as bundles (they hold ``manifest.json``) and for the children of the others (a directory of bundles,
    from which only the report's epochs are taken). Each manifest is parsed with the verifiers' model
    (:func:`por.epoch.bundle.read_signed_manifest`); one that does not parse is a problem naming its
    directory and the field path the parser names."""
    from por.epoch.bundle import read_signed_manifest

    named: dict[str, tuple[Path, str]] = {}
    library: dict[str, tuple[Path, str]] = {}
    problems: list[str] = []
    for d in map(Path, bundle_dirs):
        given = (d / "manifest.json").exists()
        kids = [d] if given or not d.is_dir() else sorted(c for c in d.iterdir() if (c / "manifest.json").exists())
        if not kids:
            problems.append(f"{d}: neither an epoch bundle (manifest.json) nor a directory of bundles")
        for k in kids:
            try:
                m = read_signed_manifest(k)
            except PorError as exc:
                problems.append(f"{k}: {exc.diagnostics()}")
                continue
            except OSError as exc:  # boundary: the file system's error for a manifest that cannot be read
                problems.append(f"{k / MANIFEST}: {exc.strerror or exc}")
                continue
            eid = m.signed.epoch_id
            seen = named.get(eid) or library.get(eid)
            if seen is not None and seen[0].resolve() != k.resolve():
                problems.append(f"epoch {eid} is given twice ({seen[0]} and {k})")
                continue
            (named if given else library)[eid] = (k, m.sha256)
    return named, library, problems


def check_against_bundles(rf: ReportFile, bundle_dirs: list[Path], *, audit: bool = False,
                          operator_key: str | None = None) -> Result:
    """Checks ``report.bundles``, ``report.manifest_hash``, ``report.recompute`` and (``audit``) ``report.audit``.

    1. ``report.bundles``: parse every bundle's manifest with the verifiers' model
       (:func:`por.epoch.bundle.read_signed_manifest`, docs/protocol.md §9.4). A directory given
       that holds ``manifest.json`` is a bundle the report must cover; the children of any other
       directory are a library from which the report's epochs are taken. Every epoch of the report needs
       its bundle, each once.
    2. ``report.manifest_hash``: each epoch's manifest hash in the report equals the ``sha256`` of its
       bundle's :data:`por.bundle.manifest.SignedManifest` (the SHA-256 of the signed body's canonical
       bytes as received, the hash client proofs carry).
    3. ``report.recompute`` (json, csv, xlsx): :func:`por.report.collect.collect` over the bundles (no
       ledger) gives the bundle tables and the verification table cell for cell equal to the report's,
       the verification outcome being the one the report records (its ``verification`` checks).
    4. ``report.audit``: each bundle verified again with the auditor's verifier (operator key pinned to
       ``operator_key``) must have the outcome (passed / failed) the report records for it.
    """
    from por.report.collect import collect, default_verifier

    res = Result("report against bundles")
    named, library, problems = _bundle_manifests(bundle_dirs)
    covered = [e for e, _ in rf.manifests]
    if rf.manifests_error is not None:
        problems.append(f"the report binds no manifest hashes ({rf.manifests_error})")
    missing = [e for e in covered if e not in named and e not in library]
    extra = sorted(e for e in named if e not in covered)
    if missing:
        problems.append(f"no bundle given for the report's epoch(s) {', '.join(missing)}")
    if extra:
        problems.append(f"bundle(s) given for epoch(s) {', '.join(extra)} that the report does not cover")
    if problems:
        res.failed("report.bundles", "; ".join(problems))
        return res
    found = {e: named.get(e) or library[e] for e in covered}
    res.passed("report.bundles", f"one bundle for each of the report's {len(covered)} epoch(s): {', '.join(covered)}"
               + (f" (other bundles in the directories given are not covered and not read: "
                  f"{', '.join(sorted(set(library) - set(covered)))})" if set(library) - set(covered) else ""))
    wrong = [f"epoch {e}: the report says manifest {h[:16]}…, the bundle's is {found[e][1][:16]}…"
             for e, h in rf.manifests if found[e][1] != h]
    res.add("report.manifest_hash", not wrong, "; ".join(wrong) if wrong else
            "every epoch's manifest hash in the report is the SHA-256 of its bundle's signed manifest body")
    if wrong:
        return res
    if rf.compare is None:
        res.failed("report.recompute", f"a {rf.kind.upper()}'s figures are rendered for reading (major units, rounded "
                   "ratios, long tables cut) and cannot be recomputed exactly: check the JSON, CSV or XLSX export "
                   "signed with it")
    else:
        path_of = {found[e][0]: e for e in covered}

        def replay(path: Path) -> Result:
            r = Result(f"bundle {path} (as the report records it)")
            r.extend(rf.recorded.get(path_of.get(path, ""), []))
            return r

        try:
            again = collect([found[e][0] for e in covered], verifier=replay, generated_at=rf.generated_at)
        except PorError as exc:
            res.failed("report.recompute", f"the bundles' tables cannot be recomputed: {exc.diagnostics()}")
        else:
            diffs: list[str] = []
            if rf.currency is not None and rf.currency != (again.reporting_currency, again.currency_decimals):
                diffs.append(f"reporting currency: the report says {rf.currency}, the bundles give "
                             f"{(again.reporting_currency, again.currency_decimals)}")
            names = [n for n in (*BUNDLE_TABLES, "verification") if again.has(n)]
            for name in names:
                try:
                    d = rf.compare(again.table(name))
                except PorError as exc:
                    d = f"table {name}: unreadable in the report ({exc.diagnostics()})"
                except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
                    d = f"table {name}: malformed in the report ({exc!r:.120})"
                if d is not None:
                    diffs.append(d)
            res.add("report.recompute", not diffs,
                    "; ".join(diffs[:5]) + (f" (and {len(diffs) - 5} more)" if len(diffs) > 5 else "") if diffs else
                    f"recomputed from the bundles, the tables {', '.join(names)} equal the report's cell for cell "
                    "(the verification outcome as the report records it" + ("; report.audit re-runs it)" if audit
                                                                            else "; not re-run: --no-audit)"))
    if audit:
        verify = default_verifier()
        if operator_key is not None:
            from por.verify import verify_bundle

            def verify(path: Path) -> Result:
                # outcomes compared as the report recorded them: keyed checks against the bundle's
                # keyring, which the report's own trust.keyring row states
                return verify_bundle(path, operator_key=operator_key, trust_bundle_keyring=True)
        lines, bad = [], False
        for e in covered:
            r = verify(found[e][0])
            rec = rf.recorded.get(e)
            said = None if rec is None else (bool(rec) and all(c.ok for c in rec))
            if said is None and rf.kind == "pdf":
                lines.append(f"epoch {e}: {'passes' if r.ok else 'FAILS'} ({len(r.failures)} of {len(r.checks)} failed)")
                bad |= not r.ok
                continue
            if said != r.ok:
                bad = True
                first = "; ".join(f"{c.id}: {c.message}" for c in r.failures[:2])
                lines.append(f"epoch {e}: the report says {'passed' if said else 'FAILED'}, the auditor's verifier "
                             f"finds {len(r.failures)} of {len(r.checks)} checks failed" + (f" ({first})" if first else ""))
            else:
                lines.append(f"epoch {e}: {'passed' if r.ok else 'FAILED'}, as the report says")
        res.add("report.audit", not bad, "; ".join(lines))
    return res
