"""`frontline eval run --mode audio`, `frontline eval gate`, `frontline eval asr`, `frontline eval manifest`.

Audio mode plugs an audio row runner (frontline.evals.audio) into text mode's scoring; the gate
(frontline.evals.gate) runs the frozen eval in either mode and compares it with evals/baseline.json.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from frontline.evals.voices import DEFAULT_VOICES

console = Console(width=max(Console().width, 110))
err = Console(stderr=True)
ROOT = Path(__file__).resolve().parents[2]
FROZEN = ROOT / "evals" / "frozen" / "frozen.jsonl"
BASELINE = ROOT / "evals" / "baseline.json"


def _fail(msg: str, code: int = 1) -> None:
    err.print(f"[red]error:[/red] {msg}")
    raise typer.Exit(code)


def _quiet_logs() -> None:
    logging.basicConfig(level=logging.WARNING)
    for name in ("frontline", "uvicorn", "websockets", "httpx"):
        logging.getLogger(name).setLevel(logging.ERROR)


@contextmanager
def _progress():
    p = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                 TimeRemainingColumn(), console=err, transient=False)
    with p:
        yield p


def parse_voices(voices: str) -> tuple[str, ...]:
    vs = tuple(v.strip() for v in voices.split(",") if v.strip())
    from frontline.evals.voices import TTS_VOICES, espeak_available

    for v in vs:
        if v not in TTS_VOICES and not (v == "espeak" or v.startswith("espeak:")):
            _fail(f"unknown voice {v!r}; choose from {', '.join(DEFAULT_VOICES)}")
        if v.startswith("espeak") and not espeak_available():
            _fail("espeak-ng is not installed: run `make eval-deps` (apt-get install espeak-ng) or drop it from --voices")
    return vs or DEFAULT_VOICES


async def audio_rows(rows, *, voices, snr_db, workers, profile=None, settings=None,
                     sequential_suites: Sequence[str] = ()) -> tuple[list, list]:
    """Rows through the real call path with a progress bar. Rows of `sequential_suites` run one
    call at a time (latency is measured on an otherwise idle server); the rest use `workers`."""
    from frontline.evals.audio import run_audio_rows
    from frontline.server.runtime import build_runtime

    _quiet_logs()
    rt = await build_runtime(settings, profile)
    seq = [r for r in rows if r.extra.get("suite") in sequential_suites]
    par = [r for r in rows if r.extra.get("suite") not in sequential_suites]
    idx = {r.id: i for i, r in enumerate(rows)}
    outcomes, facts = [], []
    try:
        with _progress() as p:
            for group, w, label in ((seq, 1, "one call at a time"), (par, workers, f"{workers} concurrent calls")):
                if not group:
                    continue
                tr = p.add_task(f"render ({len(group)} rows)", total=len(group))
                tc = p.add_task(f"calls: {label}", total=len(group))
                o, f = await run_audio_rows(
                    group, voices=voices, snr_db=snr_db, workers=w, runtime=rt, start_index=[idx[r.id] for r in group],
                    on_rendered=lambda i, n, t=tr: p.update(t, completed=i),
                    on_done=lambda i, n, t=tc: p.update(t, completed=i))
                outcomes += o
                facts += f
    finally:
        await rt.close()
    return outcomes, facts


def run_audio_eval(file: Path, rows: list, prof, *, voices: str, snr_db: float | None, workers: int,
                   json_out: Path | None, show_failures: bool) -> None:
    """`frontline eval run FILE --mode audio` (called by cli/agent.py with the loaded rows and profile)."""
    from frontline.agent.evaluate import failures
    from frontline.evals.audio import audio_report, audio_row_json

    vs = parse_voices(voices)
    outcomes, facts = asyncio.run(audio_rows(rows, voices=vs, snr_db=snr_db, workers=workers, profile=prof))
    report = audio_report(rows, outcomes, facts)
    print_report(report, f"spoken decisions on {file.name} ({len(rows)} rows, {workers} workers)")
    if show_failures:
        for f in failures(rows, outcomes):
            console.print(f"[yellow]{f['id']}[/yellow] {f['category']}: {f['text']!r} → {f['outcome']}")
    if json_out:
        report["rows"] = [audio_row_json(a) for a in facts]
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def print_report(report: dict[str, Any], title: str) -> None:
    """The category table, the deflection breakdown, latency, and (audio mode) WER and turn gap."""
    t = Table(title=title)
    for col in ("category", "n", "passed", "rate"):
        t.add_column(col, justify="right")
    for cat, v in report["categories"].items():
        t.add_row(cat, str(v["n"]), str(v["passed"]), f"{v['rate']:.3f}")
    console.print(t)
    d = report["deflection"]
    if d["n"]:
        cols = ("n", "answered", "correct", "wrong", "handoff", "confirmed", "top1", "recall@5")
        dt = Table(title="deflection")
        for col in cols:
            dt.add_column(col, justify="right")
        dt.add_row(*(str(d.get(k, "")) for k in cols))
        console.print(dt)
    if "latency_ms" in report:
        console.print(f"latency to first response: p50 {report['latency_ms']['p50']} ms, "
                      f"p95 {report['latency_ms']['p95']} ms")
    if "wer" in report:
        console.print(f"WER of what STT heard: {report['wer']:.3f}  by voice: {report.get('wer_by_voice')}")
        console.print(f"turn gap: p50 {report['turn_gap_ms']['p50']} ms, p95 {report['turn_gap_ms']['p95']} ms; "
                      f"failed calls: {report.get('errors', 0)}")


# ------------------------------------------------------------------------------------------- gate
def eval_gate_cmd(
    baseline: Path = typer.Option(BASELINE, "--baseline", help="Baseline cuts (JSON)."),
    update_baseline: bool = typer.Option(False, "--update-baseline", help="Write this run as the new cut."),
    slice_n: Optional[int] = typer.Option(None, "--slice", help="Run a deterministic slice of about N rows "
                                          "(the first N/6 of each suite); compared with the baseline on the same rows."),
    mode: str = typer.Option("audio", "--mode", help="audio (spoken, the real call path) or text."),
    frozen: Path = typer.Option(FROZEN, "--file", help="The frozen eval."),
    workers: int = typer.Option(2, "--workers", help="Concurrent calls in audio mode (latency suite: 1)."),
    voices: str = typer.Option(",".join(DEFAULT_VOICES), "--voices"),
    json_out: Optional[Path] = typer.Option(None, "--json-out", help="Write the gate result here."),
) -> None:
    """Run the frozen eval; fail (exit 1) on any category below its threshold or > 1 point below the baseline
    (in audio mode, only a drop a sign test on the changed rows says is more than run-to-run noise)."""
    from frontline.evals import gate as g
    from frontline.evals import manifest
    from frontline.evals.dataset import load_eval

    if mode not in ("audio", "text"):
        _fail("--mode must be audio or text")
    if update_baseline and slice_n:
        _fail("--update-baseline needs the full frozen eval (no --slice)")
    mpath = frozen.parent / "MANIFEST.json"
    if mpath.exists():
        chk = manifest.check(json.loads(mpath.read_text(encoding="utf-8")), frozen.parent)
        if not chk.ok:
            _fail(f"frozen items edited {chk.changed} or removed {chk.missing}; frozen items are only added")
    rows = g.slice_rows(load_eval(frozen), slice_n)
    if mode == "text":
        records = asyncio.run(_text_records(rows))
    else:
        vs = parse_voices(voices)
        outcomes, facts = asyncio.run(audio_rows(rows, voices=vs, snr_db=None, workers=workers,
                                                 sequential_suites=("latency",)))
        by_o = {o.row_id: o for o in outcomes}
        by_a = {a.row_id: a for a in facts}
        records = {r.id: g.row_record(r, by_o[r.id], by_a.get(r.id)) for r in rows}
    current = g.suite_metrics(records, mode)
    base = g.load_baseline(baseline)
    base_m = g.baseline_metrics(base, mode, list(records))
    checks = g.judge(current, base_m, mode, rows=records, base_rows=g.baseline_rows(base, mode))
    _print_gate(current, checks, mode, len(rows), baseline if base_m else None)
    for c in checks:
        if c.ok and c.why:
            console.print(f"[dim]note {c.suite}.{c.metric}: {c.why}[/dim]")
    failed = [c for c in checks if not c.ok]
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps({"mode": mode, "n": len(rows), "metrics": current, "ok": not failed,
                                        "checks": [c.__dict__ for c in checks]}, indent=2) + "\n")
    if update_baseline:
        g.write_cut(baseline, mode, records)
        console.print(f"[green]wrote a new {mode} cut to {baseline}[/green]")
    if failed:
        for c in failed:
            err.print(f"[red]GATE FAIL[/red] {c.suite}.{c.metric} = {c.value}: {c.why}")
        raise typer.Exit(1)
    console.print("[green]gate passed[/green]")


async def _text_records(rows) -> dict[str, dict]:
    from frontline.agent.evaluate import evaluate, run_text
    from frontline.agent.factory import build_agent
    from frontline.agent.language import warm_up
    from frontline.cli.agent import _with_kb
    from frontline.evals import gate as g
    from frontline.profile import load_profile

    prof = load_profile(None)

    async def go(db, kb):
        agent = build_agent(prof, retriever=kb, db=db)
        await asyncio.to_thread(warm_up)
        with _progress() as p:
            t = p.add_task("rows (text mode)", total=len(rows))
            _, outcomes = await evaluate(rows, lambda row: run_text(agent, row, profile_name=prof.name),
                                         progress=lambda i, n: p.update(t, completed=i))
        return outcomes

    outcomes = await _with_kb(prof.namespace, go)
    by = {o.row_id: o for o in outcomes}
    return {r.id: g.row_record(r, by[r.id]) for r in rows}


def _print_gate(current, checks, mode: str, n: int, baseline_path) -> None:
    from frontline.evals.gate import SUITES

    t = Table(title=f"frozen eval gate ({mode} mode, {n} rows; baseline: {baseline_path or 'none for these rows'})")
    for col in ("suite", "n", "pass rate", "metric", "value", "threshold", "baseline", ""):
        t.add_column(col, justify="right")
    for suite in SUITES:
        m = current.get(suite)
        if not m:
            continue
        cs = [c for c in checks if c.suite == suite]
        extra = {k: v for k, v in m.items() if k.endswith("_ms")}
        first = True
        for c in cs or [None]:
            t.add_row(suite if first else "", str(m["n"]) if first else "", f"{m['pass_rate']:.3f}" if first else "",
                      c.metric if c else "", f"{c.value:g}" if c and c.value is not None else "-",
                      (c.threshold or "") if c else "", f"{c.baseline:g}" if c and c.baseline is not None else "",
                      ("[green]ok[/green]" if c.ok else "[red]FAIL[/red]") if c else "")
            first = False
        if extra and not any(c.metric in extra for c in cs):
            t.add_row("", "", "", ", ".join(extra), ", ".join(f"{v:g}" for v in extra.values()), "", "", "")
    console.print(t)


# ------------------------------------------------------------------------------------------- asr
def eval_asr_cmd(
    limit: Optional[int] = typer.Option(None, "--limit", help="At most N recordings (deterministic order)."),
    snr_db: Optional[float] = typer.Option(None, "--snr-db", help="Add channel noise at this SNR."),
    json_out: Optional[Path] = typer.Option(None, "--json-out"),
) -> None:
    """WER of the STT on real recorded human speech (Debian asterisk-core-sounds-en) through the phone line."""
    from frontline.evals.asr import AsrUnavailable, run_asr

    _quiet_logs()
    try:
        with _progress() as p:
            t = p.add_task("recordings", total=None)
            rep = run_asr(limit=limit, snr_db=snr_db, progress=lambda i, n: p.update(t, completed=i, total=n))
    except AsrUnavailable as e:
        _fail(str(e))
    console.print(f"real human speech ({rep['source']}): {rep['n']} recordings, {rep['words']} words, "
                  f"WER {rep['wer']:.3f} (normalized, 8 kHz μ-law phone line"
                  f"{', SNR %g dB' % snr_db if snr_db is not None else ''}); STT p50 {rep['stt_ms']['p50']} ms")
    worst = sorted(rep["items"], key=lambda x: -x["wer"])[:5]
    for w in worst:
        console.print(f"  [yellow]{w['file']}[/yellow] wer {w['wer']:.2f}: {w['reference']!r} → {w['heard']!r}")
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(rep, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# ----------------------------------------------------------------------------------------- heard
def eval_hear_cmd(
    file: Path = typer.Argument(..., help="Eval JSONL to speak and transcribe."),
    out: Path = typer.Option(..., "--out", "-o", help="Write the transcribed eval file here."),
    voices: str = typer.Option(",".join(DEFAULT_VOICES), "--voices", help="Caller voice rotation."),
    all_voices: bool = typer.Option(False, "--all-voices", help="Every row in every voice (ids get @voice)."),
    snr_db: Optional[float] = typer.Option(None, "--snr-db", help="Add channel noise at this SNR."),
    category: list[str] = typer.Option([], "--category", help="Only rows of these categories (repeatable)."),
) -> None:
    """Re-write an eval file as the STT hears it on the phone line, for fast text-mode scoring of
    ASR-mangled input (`frontline eval run OUT`). Skips VAD/turn-taking: `--mode audio` stays the real measure."""
    from frontline.evals.dataset import EvalFileError, load_eval
    from frontline.evals.heard import write_heard

    _quiet_logs()
    vs = parse_voices(voices)
    try:
        rows = load_eval(file)
    except (EvalFileError, OSError) as e:
        _fail(str(e))
    if category:
        rows = [r for r in rows if r.category in category]
    if not rows:
        _fail("no rows to transcribe")
    with _progress() as p:
        t = p.add_task("speak + transcribe", total=None)
        n = write_heard(rows, out, voices=vs, all_voices=all_voices, snr_db=snr_db,
                        progress=lambda i, k: p.update(t, completed=i, total=k))
    console.print(f"{n} transcribed rows → {out}")


def eval_manifest_cmd(
    add_new: bool = typer.Option(False, "--add-new", help="Record new frozen items in the manifest."),
) -> None:
    """Check the frozen eval against its manifest (edited or removed items fail; new ones are fine)."""
    from frontline.evals import manifest

    mpath = FROZEN.parent / "MANIFEST.json"
    if add_new:
        try:
            res = manifest.add_new(mpath)
        except ValueError as e:
            _fail(str(e))
        console.print(f"manifest: {len(res.new)} new items recorded")
        return
    res = manifest.check(json.loads(mpath.read_text(encoding="utf-8")))
    console.print(f"manifest: {len(res.new)} new, {len(res.changed)} edited, {len(res.missing)} removed")
    if not res.ok:
        _fail(f"edited {res.changed} removed {res.missing}")
