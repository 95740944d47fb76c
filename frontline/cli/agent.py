"""`frontline eval run` (decision eval) and `frontline eval calibrate` (fit the confidence model on dev).

Both open the database (embedded unless DATABASE_URL is set), make sure the namespace has the
sample help center when it is empty, and run the real decision path from `build_agent`.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from frontline.agent.confidence import WRONG_COST
from frontline.settings import get_settings

console = Console()
err = Console(stderr=True)


async def _with_kb(namespace: str, fn):
    from frontline.knowledge.ingest import ensure_sample_ingested
    from frontline.knowledge.retrieval import KnowledgeBase
    from frontline.storage.db import open_database

    db = await open_database(get_settings())
    try:
        await ensure_sample_ingested(db, namespace)
        return await fn(db, KnowledgeBase(db, namespace=namespace))
    finally:
        await db.close()


def _fail(msg: str) -> None:
    err.print(f"[red]error:[/red] {msg}")
    raise typer.Exit(1)


def load_rows_and_profile(file: Path, profile: Optional[Path], namespace: Optional[str], limit: Optional[int]):
    """The eval rows (first `limit`) and the profile (its namespace overridden when given); a bad file
    or profile exits with a clear error. Shared by text and audio mode."""
    from frontline.evals.dataset import EvalFileError, load_eval
    from frontline.profile import ProfileError, load_profile

    try:
        rows = load_eval(file)
        prof = load_profile(profile)
    except (EvalFileError, ProfileError) as e:
        _fail(str(e))
    if namespace:
        prof = prof.model_copy(update={"namespace": namespace})
    return (rows[:limit] if limit else rows), prof


def eval_run_cmd(
    file: Path = typer.Argument(..., help="JSONL eval file (rows with category + text + expect)."),
    namespace: Optional[str] = typer.Option(None, "--namespace", "-n", help="Knowledge-base namespace "
                                            "(default: the profile's)."),
    profile: Optional[Path] = typer.Option(None, "--profile", help="Agent profile YAML (default: bundled)."),
    mode: str = typer.Option("text", "--mode", help="text (the decision path only; skips STT/TTS) or audio "
                             "(spoken through a phone line and the real call path; frontline/cli/evals.py)."),
    json_out: Optional[Path] = typer.Option(None, "--json-out", help="Write the scores as JSON here."),
    show_failures: bool = typer.Option(False, "--failures", help="List the rows that did not pass."),
    voices: str = typer.Option("hibari-us,hibari-gb,piper-joe,espeak", "--voices", help="Audio mode: caller voices."),
    snr_db: Optional[float] = typer.Option(None, "--snr-db", help="Audio mode: noise SNR for rows without snr_db."),
    workers: int = typer.Option(2, "--workers", help="Audio mode: concurrent simulated calls."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Only the first N rows."),
) -> None:
    """Run each row as a caller turn through the real decision path and score it by category."""
    from frontline.agent.evaluate import evaluate, failures, run_text
    from frontline.agent.factory import build_agent

    if mode not in ("text", "audio"):
        _fail(f"--mode {mode}: choose text or audio")
    rows, prof = load_rows_and_profile(file, profile, namespace, limit)
    if mode == "audio":
        from frontline.cli.evals import run_audio_eval

        return run_audio_eval(file, rows, prof, voices=voices, snr_db=snr_db, workers=workers,
                              json_out=json_out, show_failures=show_failures)

    async def go(db, kb):
        agent = build_agent(prof, retriever=kb, db=db)
        from frontline.agent.language import warm_up

        await asyncio.to_thread(warm_up)
        return await evaluate(rows, lambda row: run_text(agent, row, profile_name=prof.name))

    report, outcomes = asyncio.run(_with_kb(prof.namespace, go))
    from frontline.cli.evals import print_report

    print_report(report, f"decisions on {file.name} (namespace {prof.namespace!r}, {prof.decision})")
    if show_failures:
        for f in failures(rows, outcomes):
            console.print(f"[yellow]{f['id']}[/yellow] {f['category']}: {f['text']!r} → {f['outcome']}")
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def eval_calibrate_cmd(
    files: list[str] = typer.Argument(..., help="Dev eval files (never evals/test), each optionally FILE@NAMESPACE."),
    namespace: str = typer.Option("default", "--namespace", "-n", help="Namespace for files without @NS."),
    wrong_cost: float = typer.Option(WRONG_COST, "--wrong-cost",
                                     help="Weight of a wrong top-1 row in the fit (a wrong answer vs a handoff)."),
) -> None:
    """Fit the confidence model (confidence.py) on dev files and print weights + operating points."""
    from frontline.agent import confidence as conf
    from frontline.agent import intents
    from frontline.evals.dataset import EvalFileError, load_eval

    sets: list[tuple[Path, str]] = []
    for spec in files:
        path, _, ns = spec.partition("@")
        file = Path(path)
        if "test" in file.resolve().parts:
            _fail(f"refusing to calibrate on a test file ({file}): fit on dev sets only")
        sets.append((file, ns or namespace))
    feats: list[dict[str, float]] = []
    labels: list[int] = []
    answerable: list[bool] = []
    for file, ns in sets:
        try:
            rows = [r for r in load_eval(file)
                    if (r.expect.article and r.expect.article != "UNKNOWN") or r.category == "out_of_scope"]
        except EvalFileError as e:
            _fail(str(e))

        async def go(db, kb, rows=rows, ns=ns):
            out = []
            for r in rows:
                hits = await kb.search(intents.knowledge_query(r.text), k=5, namespace=ns)
                out.append((conf.features(hits), int(bool(hits) and r.expect.article is not None
                                                      and hits[0].article_id == r.expect.article),
                            r.expect.article is not None))
            return out

        for f, y, a in asyncio.run(_with_kb(ns, go)):
            feats.append(f)
            labels.append(y)
            answerable.append(a)
    try:
        w = conf.fit(feats, labels, wrong_cost=wrong_cost)
    except ValueError as e:
        _fail(str(e))
    console.print_json(json.dumps({k: round(v, 3) for k, v in w.items()}))
    probs = [conf.probability(f, w) for f in feats]
    n_ans = sum(answerable)
    t = Table(title=f"operating points ({n_ans} answerable rows, {sum(labels)} top-1 correct, "
                    f"{len(feats) - n_ans} out of scope; wrong cost {wrong_cost:g})")
    for col in ("threshold", "answered", "correct", "wrong", "wrong share", "out-of-scope answered"):
        t.add_column(col, justify="right")
    for th in (0.5, 0.6, 0.7, 0.8, 0.9):
        ans = [y for p, y, a in zip(probs, labels, answerable) if a and p >= th]
        oos = sum(1 for p, a in zip(probs, answerable) if not a and p >= th)
        ok = sum(ans)
        t.add_row(f"{th:.1f}", str(len(ans)), str(ok), str(len(ans) - ok),
                  f"{(len(ans) - ok) / max(1, n_ans):.3f}", str(oos))
    console.print(t)
