"""`frontline bench load`: concurrent simulated phone calls against one server process."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

console = Console(width=max(Console().width, 110))


def bench_load_cmd(
    calls: int = typer.Option(4, "--calls", help="Concurrent calls (with --ramp: the highest level)."),
    duration: float = typer.Option(30.0, "--duration", help="Seconds per level."),
    ramp: bool = typer.Option(False, "--ramp", help="Step 2, 4, 6, … up to --calls; stop at the first level "
                              "with p95 turn gap > 1 s or any error."),
    max_calls: Optional[int] = typer.Option(None, "--max-calls", help="Server capacity (FRONTLINE_MAX_CALLS); "
                                            "set it below --calls to see admission control."),
    json_out: Optional[Path] = typer.Option(None, "--json-out"),
    plot_path: Optional[Path] = typer.Option(None, "--plot", help="PNG: turn gap and RSS against concurrency."),
) -> None:
    """N concurrent phone calls (paced real-time audio, varied questions, barge-ins) against one server."""
    from frontline.bench.load import plot, run_load

    res = asyncio.run(run_load(calls, duration, ramp, max_calls=max_calls,
                               progress=lambda n, ls: console.print(f"level: {n} concurrent calls ({duration:g} s)")))
    t = Table(title=f"load: one server process, capacity {res['max_calls_setting']}")
    for col in ("calls", "started", "rejected", "errors", "dropped", "turns", "p50 ms", "p95 ms", "p99 ms",
                "CPU mean %", "RSS max MB"):
        t.add_column(col, justify="right")
    for x in res["levels"]:
        g = x["turn_gap_ms"]
        t.add_row(str(x["calls"]), str(x["calls_started"]), str(x["rejected_at_capacity"]), str(x["errors"]),
                  str(x["dropped"]), str(x["turns"]), str(g["p50"]), str(g["p95"]), str(g["p99"]),
                  str(x["cpu_pct"]["mean"]), str(x["rss_mb"]["max"]))
    console.print(t)
    console.print(f"largest concurrency with p95 turn gap ≤ {res['gap_limit_ms']:g} ms and 0 errors: "
                  f"{res['largest_ok_concurrency']}")
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(res, indent=1) + "\n")
    if plot_path:
        plot(res, plot_path)
        console.print(f"plot: {plot_path}")
