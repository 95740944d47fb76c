"""The `frontline` command line (typer + rich)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Frontline: a self-hostable voice AI agent for contact centers.", no_args_is_help=True)
bench_app = typer.Typer(help="Benchmarks (results written as JSON).", no_args_is_help=True)
eval_app = typer.Typer(help="Evaluations over JSONL eval files.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")
app.add_typer(eval_app, name="eval")

# --- sub-command registrations (each module owns its commands) -------------------------------
# knowledge base: `frontline kb …`, `frontline eval retrieval`
# decisions: `frontline eval run`


if __name__ == "__main__":  # pragma: no cover
    app()
