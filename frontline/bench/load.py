"""Load benchmark: N concurrent simulated phone calls against ONE server process.

The server runs as a subprocess (`frontline serve` on a free loopback port, FRONTLINE_MAX_CALLS
set), so its CPU and RSS are sampled on their own with psutil. Each of N callers places calls back
to back until --duration has passed: Twilio protocol over loopback, real-time paced 20 ms μ-law
frames, varied questions in several voices (rendered before the load starts), and every third call
barges in on the agent's second reply. Calls arrive the way they do at a contact center, not in
lock-step: each caller line phones in after a seeded random delay (uniform over the first
ARRIVAL_SPREAD_S seconds) and, after hanging up, the next call on that line comes 0.5–3 s later.
Without this every call would hear the same greeting at the same instant and all N callers would
finish speaking within the same 20 ms — a synchronised burst no real queue produces. Turn gaps are the server's own measure (call records);
errors are failed calls or caller turns left without a reply; dropped calls are calls the server
closed unexpectedly. Calls beyond capacity get the overflow apology (end_reason at_capacity) and
are counted as `rejected`, not as errors.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

QUESTIONS = [
    "how do I update my credit card",
    "where can I download my invoice",
    "how do I reset my password",
    "can I add more users to my plan",
    "how do I export my projects",
    "what is two factor authentication and how do I turn it on",
    "how do I cancel my subscription",
    "can I change the billing email address",
]
VOICES = ("hibari-us", "hibari-gb", "piper-joe")
ARRIVAL_SPREAD_S = 10.0  # first calls arrive spread over this window (seeded)
NEXT_CALL_S = (0.5, 3.0)  # a line's next call comes this long after the last one hung up


def _pct(xs: list[float], q: float) -> float | None:
    if not xs:
        return None
    s = sorted(xs)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return round(s[lo] + (s[hi] - s[lo]) * (k - lo), 1)


@dataclass
class Level:
    calls: int
    started: int = 0
    completed: int = 0
    rejected: int = 0
    errors: int = 0
    dropped: int = 0
    gaps: list[float] = field(default_factory=list)
    samples: list[dict] = field(default_factory=list)
    error_kinds: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        cpu = [s["cpu"] for s in self.samples]
        rss = [s["rss_mb"] for s in self.samples]
        return {"calls": self.calls, "calls_started": self.started, "calls_completed": self.completed,
                "rejected_at_capacity": self.rejected, "errors": self.errors, "dropped": self.dropped,
                "turns": len(self.gaps),
                "turn_gap_ms": {"p50": _pct(self.gaps, 0.5), "p95": _pct(self.gaps, 0.95), "p99": _pct(self.gaps, 0.99)},
                "cpu_pct": {"mean": round(sum(cpu) / len(cpu), 1) if cpu else None, "max": max(cpu, default=None)},
                "rss_mb": {"max": max(rss, default=None), "last": rss[-1] if rss else None},
                "error_kinds": self.error_kinds, "samples": self.samples}


class ServerProcess:
    """`frontline serve` in a subprocess on a free port."""

    def __init__(self, max_calls: int, env: dict | None = None):
        from frontline.server.local import free_port

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        e = dict(os.environ, FRONTLINE_MAX_CALLS=str(max_calls), **(env or {}))
        self.log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"frontline-load-{self.port}.log", "w")
        self.proc = subprocess.Popen([sys.executable, "-m", "frontline.cli.main", "serve", "--host", "127.0.0.1",
                                      "--port", str(self.port), "--quiet"], env=e, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.ps = psutil.Process(self.proc.pid)

    async def wait_ready(self, timeout_s: float = 240) -> None:
        deadline = time.monotonic() + timeout_s
        async with httpx.AsyncClient(timeout=2) as c:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log.name}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await c.get(self.base + "/healthz")).status_code == 200:
                        return
                await asyncio.sleep(0.5)
        raise TimeoutError("server did not become ready")

    def sample(self) -> dict:
        return {"cpu": self.ps.cpu_percent(None), "rss_mb": round(self.ps.memory_info().rss / 2**20, 1)}

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def render_pool(n: int = len(QUESTIONS)) -> list[tuple[str, Any]]:
    from frontline.sim.call import render_line

    return [(q, render_line(q, VOICES[i % len(VOICES)], seed=i)) for i, q in enumerate(QUESTIONS[:n])]


async def run_level(server: ServerProcess, n: int, duration_s: float, pool, *, t0: float) -> Level:
    from frontline.sim.call import fetch_record
    from frontline.sim.caller import CallerLine, run_call

    lv = Level(calls=n)
    ws = server.base.replace("http://", "ws://") + "/twilio/media"
    end_at = time.monotonic() + duration_s

    def err(kind: str) -> None:
        lv.errors += 1
        lv.error_kinds[kind] = lv.error_kinds.get(kind, 0) + 1

    rng = random.Random(1000 + n)

    async def caller(k: int, first_delay_s: float, next_gaps: list[float]) -> None:
        j = 0
        await asyncio.sleep(first_delay_s)
        while time.monotonic() < end_at:
            if j:
                await asyncio.sleep(next_gaps[j % len(next_gaps)])
            call_no = k * 1000 + j
            a, b = pool[(k + j) % len(pool)], pool[(k + 2 * j + 3) % len(pool)]
            barge = 1500 if call_no % 3 == 0 else None
            lines = [CallerLine(a[0], a[1]), CallerLine(b[0], b[1], barge_in_at_ms=barge)]
            lv.started += 1
            j += 1
            try:
                sim = await run_call(ws, lines, pause_ms=400, reply_timeout_s=20)
                rec = await fetch_record(server.base, sim.call_sid, timeout_s=20)
            except Exception as e:
                err(type(e).__name__)
                await asyncio.sleep(0.5)
                continue
            if rec.get("end_reason") == "at_capacity":
                lv.rejected += 1
                continue
            if rec.get("end_reason") not in ("caller_hangup", "transferred", "completed"):
                lv.dropped += 1
                lv.error_kinds[f"end:{rec.get('end_reason')}"] = lv.error_kinds.get(f"end:{rec.get('end_reason')}", 0) + 1
            turns = rec["turns"]
            callers = [t for t in turns if t["role"] == "caller"]
            for c in callers:
                reply = next((t for t in turns if t["index"] == c["index"] + 1 and t["role"] == "agent"), None)
                if reply is None or not reply.get("full_text"):
                    err("no_reply")
                gap = ((reply or {}).get("latency_ms") or {}).get("turn_gap")
                if gap is not None:
                    lv.gaps.append(float(gap))
            if len(callers) < len(lines) and rec.get("end_reason") != "transferred":
                err("turns_missing")
            lv.completed += 1

    async def sampler() -> None:
        while True:
            s = server.sample()
            s.update(t=round(time.monotonic() - t0, 1), calls=n)
            lv.samples.append(s)
            await asyncio.sleep(1.0)

    smp = asyncio.create_task(sampler())
    try:
        spread = min(ARRIVAL_SPREAD_S, duration_s / 3)
        await asyncio.gather(*(caller(k, rng.uniform(0, spread), [rng.uniform(*NEXT_CALL_S) for _ in range(16)])
                               for k in range(n)))
    finally:
        smp.cancel()
    return lv


async def run_load(calls: int, duration_s: float, ramp: bool, *, max_calls: int | None = None,
                   gap_limit_ms: float = 1000.0, progress=None) -> dict[str, Any]:
    levels = list(range(2, calls + 1, 2)) if ramp else [calls]
    if ramp and levels[-1] != calls:
        levels.append(calls)
    cap = max_calls if max_calls is not None else max(levels)
    pool = await asyncio.to_thread(render_pool)
    server = ServerProcess(cap)
    out: list[dict] = []
    try:
        await server.wait_ready()
        server.sample()  # prime cpu_percent
        idle = server.sample()
        t0 = time.monotonic()
        for n in levels:
            if progress:
                progress(n, levels)
            lv = await run_level(server, n, duration_s, pool, t0=t0)
            out.append(lv.summary())
            if ramp and (lv.errors or (lv.summary()["turn_gap_ms"]["p95"] or 1e9) > gap_limit_ms):
                break
    finally:
        server.stop()
    ok = [x["calls"] for x in out if x["errors"] == 0 and x["rejected_at_capacity"] == 0
          and x["turn_gap_ms"]["p95"] is not None
          and x["turn_gap_ms"]["p95"] <= gap_limit_ms]
    return {"max_calls_setting": cap, "duration_s_per_level": duration_s, "ramp": ramp,
            "gap_limit_ms": gap_limit_ms, "idle_rss_mb": idle["rss_mb"],
            "largest_ok_concurrency": max(ok) if ok else None, "levels": out,
            "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}


def plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lv = result["levels"]
    xs = [x["calls"] for x in lv]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4))
    for q in ("p50", "p95", "p99"):
        a1.plot(xs, [x["turn_gap_ms"][q] for x in lv], marker="o", label=q)
    a1.axhline(result["gap_limit_ms"], color="red", ls="--", lw=1, label="limit")
    a1.set_xlabel("concurrent calls")
    a1.set_ylabel("turn gap (ms)")
    a1.legend()
    a1.set_title("turn gap vs concurrency")
    a2.plot(xs, [x["rss_mb"]["max"] for x in lv], marker="o", color="purple", label="RSS max (MB)")
    a2.set_xlabel("concurrent calls")
    a2.set_ylabel("server RSS (MB)")
    ax3 = a2.twinx()
    ax3.plot(xs, [x["cpu_pct"]["mean"] for x in lv], marker="s", color="gray", label="CPU mean (%)")
    ax3.set_ylabel("server CPU (%)")
    a2.set_title("server RSS and CPU vs concurrency")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
