"""The `frontline` command line (typer + rich)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Frontline: a self-hostable voice AI agent for contact centers.", no_args_is_help=True)
bench_app = typer.Typer(help="Benchmarks (results written as JSON).", no_args_is_help=True)
eval_app = typer.Typer(help="Evaluations over JSONL eval files.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")
app.add_typer(eval_app, name="eval")

# --- sub-command registrations (each module owns its commands) -------------------------------
# core: serve, call, doctor, bench latency
from frontline.cli.core import bench_latency_cmd, call_cmd, doctor_cmd, serve_cmd  # noqa: E402

app.command("serve")(serve_cmd)
app.command("call")(call_cmd)
app.command("doctor")(doctor_cmd)
bench_app.command("latency")(bench_latency_cmd)
# knowledge base: `frontline kb …`, `frontline eval retrieval`
from frontline.cli.kb import bench_retrieval_cmd, eval_retrieval_cmd, kb_app  # noqa: E402

app.add_typer(kb_app, name="kb")
eval_app.command("retrieval")(eval_retrieval_cmd)
bench_app.command("retrieval")(bench_retrieval_cmd)
# decisions: `frontline eval run`
from frontline.cli.agent import eval_calibrate_cmd, eval_run_cmd  # noqa: E402

eval_app.command("run")(eval_run_cmd)
eval_app.command("calibrate")(eval_calibrate_cmd)
# spoken evals, the frozen gate, ASR on real speech, load benchmark
from frontline.cli.bench import bench_load_cmd  # noqa: E402
from frontline.cli.evals import eval_asr_cmd, eval_gate_cmd, eval_hear_cmd, eval_manifest_cmd  # noqa: E402

eval_app.command("gate")(eval_gate_cmd)
eval_app.command("asr")(eval_asr_cmd)
eval_app.command("hear")(eval_hear_cmd)
eval_app.command("manifest")(eval_manifest_cmd)
bench_app.command("load")(bench_load_cmd)


if __name__ == "__main__":  # pragma: no cover
    app()
