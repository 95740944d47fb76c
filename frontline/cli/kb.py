"""`frontline kb …` (ingest / stats / search / drop), `frontline eval retrieval`, `frontline bench retrieval`.

Each command opens the database (embedded pgserver unless DATABASE_URL is set), does one thing,
and closes it. Errors a user can fix (a bad file, a model mismatch, a missing path) print one clear
line and exit non-zero instead of a traceback.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from frontline.settings import get_settings

kb_app = typer.Typer(help="Knowledge base: ingest a help center, inspect it, search it.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)

NamespaceOpt = typer.Option("default", "--namespace", "-n", help="Knowledge-base namespace.")


def _progress() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TextColumn("{task.fields[item]}"), console=err, transient=False)


async def _with_db(fn):
    from frontline.storage.db import open_database

    db = await open_database(get_settings())
    try:
        return await fn(db)
    finally:
        await db.close()


def _run(coro_fn):
    """Run an async command; turn user-fixable errors into one red line + exit 1."""
    from frontline.evals.dataset import EvalFileError
    from frontline.knowledge.embeddings import EmbeddingError
    from frontline.knowledge.ingest import IngestError
    from frontline.knowledge.namespaces import NamespaceMismatchError
    from frontline.storage.db import DatabaseError

    try:
        return asyncio.run(_with_db(coro_fn))
    except (IngestError, NamespaceMismatchError, EmbeddingError, DatabaseError, EvalFileError) as e:
        err.print(f"[red]error:[/red] {e}")
        raise typer.Exit(1) from None


@kb_app.command("ingest")
def ingest_cmd(
    path: Path = typer.Argument(..., help="Folder (recursive) or file: .md (front matter), .html, .jsonl"),
    namespace: str = NamespaceOpt,
    replace: bool = typer.Option(False, "--replace", help="Delete articles no longer present under PATH."),
) -> None:
    """Ingest a help center (incremental: unchanged articles are skipped)."""
    from frontline.knowledge.ingest import ingest_path

    async def go(db):
        with _progress() as prog:
            task = prog.add_task(f"ingest → {namespace}", total=None, item="")

            def cb(done: int, total: int, label: str) -> None:
                prog.update(task, completed=done, total=total, item=label)

            return await ingest_path(db, path, namespace, replace=replace, progress=cb)

    rep = _run(go)
    table = Table(title=f"kb ingest {path} → namespace {namespace!r}", show_header=False)
    table.add_row("files", str(rep.files))
    table.add_row("added", str(len(rep.added)))
    table.add_row("updated", str(len(rep.updated)))
    table.add_row("unchanged (skipped)", str(len(rep.unchanged)))
    table.add_row("deleted", str(len(rep.deleted)) + (" (--replace)" if replace else ""))
    table.add_row("chunks written", str(rep.chunks_written))
    table.add_row("failed", f"[red]{len(rep.failed)}[/red]" if rep.failed else "0")
    console.print(table)
    for f in rep.failed:
        err.print(f"[red]failed:[/red] {f}")
    if not rep.ok:
        raise typer.Exit(1)


@kb_app.command("stats")
def stats_cmd(namespace: str = NamespaceOpt) -> None:
    """Articles, chunks, languages and the embedding model of a namespace."""
    from frontline.knowledge.namespaces import list_namespaces, namespace_stats

    async def go(db):
        return await namespace_stats(db, namespace), await list_namespaces(db)

    st, all_ns = _run(go)
    table = Table(title=f"knowledge base {namespace!r}", show_header=False)
    table.add_row("articles", str(st.articles))
    table.add_row("chunks", str(st.chunks))
    table.add_row("embedding model", f"{st.embedding_model} ({st.embedding_dim} dims)" if st.embedding_model else "-")
    table.add_row("languages", ", ".join(f"{k}: {v}" for k, v in st.languages.items()) or "-")
    table.add_row("last updated", st.last_updated or "-")
    table.add_row("all namespaces", ", ".join(all_ns) or "-")
    console.print(table)


@kb_app.command("search")
def search_cmd(
    query: str = typer.Argument(..., help="What a caller said."),
    namespace: str = NamespaceOpt,
    k: int = typer.Option(5, "--k", "-k", min=1, max=50),
    as_json: bool = typer.Option(False, "--json", help="Print hits as JSON."),
) -> None:
    """Hybrid search (dense + full text, RRF) over a namespace."""
    from frontline.knowledge.retrieval import KnowledgeBase

    async def go(db):
        kb = KnowledgeBase(db, namespace=namespace)
        hits = await kb.search(query, k=k)
        return hits, kb.last_trace

    hits, trace = _run(go)
    if as_json:
        from dataclasses import asdict

        print(json.dumps({"query": query, "normalized": trace.query.text if trace.query else None,
                          "latency_ms": round(trace.total_ms, 2), "hits": [asdict(h) for h in hits]},
                         ensure_ascii=False, indent=2))
        return
    if trace.query:
        err.print(f"[dim]normalised: {trace.query.text!r}  lexical terms: {' | '.join(trace.query.terms)}"
                  f"  ({trace.total_ms:.1f} ms)[/dim]")
    table = Table(title=f"{query!r} in {namespace!r}")
    for col in ("#", "article", "title", "fused", "cosine", "lexical", "ranks d/l"):
        table.add_column(col)
    for i, h in enumerate(hits, 1):
        table.add_row(str(i), h.article_id, h.title, f"{h.score:.4f}",
                      "-" if h.dense_score is None else f"{h.dense_score:.3f}",
                      "-" if h.lexical_score is None else f"{h.lexical_score:.3f}",
                      f"{h.dense_rank or '-'}/{h.lexical_rank or '-'}")
    console.print(table)
    if not hits:
        err.print(f"[yellow]no hits[/yellow] (is namespace {namespace!r} ingested? `frontline kb stats -n {namespace}`)")


@kb_app.command("drop")
def drop_cmd(namespace: str = typer.Option(..., "--namespace", "-n"),
             yes: bool = typer.Option(False, "--yes", help="Do not ask.")) -> None:
    """Delete a namespace with all its articles and chunks."""
    from frontline.knowledge.namespaces import drop_namespace

    if not yes:
        typer.confirm(f"Delete knowledge-base namespace {namespace!r}?", abort=True)
    existed = _run(lambda db: drop_namespace(db, namespace))
    console.print(f"dropped {namespace!r}" if existed else f"namespace {namespace!r} did not exist")


def eval_retrieval_cmd(
    file: Path = typer.Argument(..., help="JSONL eval file (rows with expect.article are scored)."),
    namespace: str = NamespaceOpt,
    json_out: Optional[Path] = typer.Option(None, "--json-out", help="Write the scores as JSON here."),
    arms: str = typer.Option("hybrid", "--arms", help="hybrid | dense | lexical (ablation)."),
) -> None:
    """Score retrieval: recall@1, recall@5, MRR@10, latency p50/p95."""
    from frontline.evals.dataset import load_eval
    from frontline.knowledge.evaluation import evaluate_retrieval
    from frontline.knowledge.retrieval import KnowledgeBase, RetrievalConfig

    if arms not in ("hybrid", "dense", "lexical"):
        raise typer.BadParameter("--arms must be hybrid, dense or lexical")

    async def go(db):
        rows = load_eval(file)
        kb = KnowledgeBase(db, namespace=namespace, config=RetrievalConfig(arms=arms))  # type: ignore[arg-type]
        with _progress() as prog:
            task = prog.add_task(f"eval retrieval ({arms})", total=None, item="")
            return await evaluate_retrieval(
                kb, rows, progress=lambda i, n: prog.update(task, completed=i, total=n, item=""))

    sc = _run(go)
    if sc.n == 0:
        err.print(f"[red]error:[/red] {file}: no rows with expect.article")
        raise typer.Exit(1)
    table = Table(title=f"retrieval on {file.name} (namespace {namespace!r}, {arms})")
    for col in ("n", "recall@1", "recall@5", "MRR@10", "p50 ms", "p95 ms"):
        table.add_column(col, justify="right")
    table.add_row(str(sc.n), f"{sc.recall_at_1:.3f}", f"{sc.recall_at_5:.3f}", f"{sc.mrr:.3f}",
                  f"{sc.p50_ms:.1f}", f"{sc.p95_ms:.1f}")
    console.print(table)
    cats = Table(title="by category")
    for col in ("category", "n", "recall@1", "recall@5", "MRR@10"):
        cats.add_column(col)
    for cat, v in sc.by_category.items():
        cats.add_row(cat, str(v["n"]), f"{v['recall@1']:.3f}", f"{v['recall@5']:.3f}", f"{v['mrr']:.3f}")
    console.print(cats)
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(sc.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        err.print(f"wrote {json_out}")


def bench_retrieval_cmd(
    chunks: int = typer.Option(10_000, "--chunks", min=100, help="Synthetic chunks in the throwaway namespace."),
    queries: int = typer.Option(300, "--queries", min=10),
    json_out: Optional[Path] = typer.Option(None, "--json-out"),
    keep: bool = typer.Option(False, "--keep", help="Keep the throwaway namespace."),
) -> None:
    """Query latency (p50/p95 ms) over ~10k synthetic-but-realistic chunks."""
    from frontline.knowledge.bench import bench_retrieval

    async def go(db):
        with _progress() as prog:
            task = prog.add_task(f"bench retrieval ({chunks} chunks)", total=None, item="")
            return await bench_retrieval(db, chunks, queries, keep=keep,
                                         progress=lambda i, n: prog.update(task, completed=i, total=n, item=""))

    res = _run(go)
    table = Table(title=f"retrieval latency, {res.chunks} chunks / {res.articles} articles, {res.queries} queries")
    for col in ("p50 ms", "p95 ms", "mean ms", "embed p50", "lexical p50", "dense p50", "coverage p50", "joins p50", "build s"):
        table.add_column(col, justify="right")
    table.add_row(f"{res.p50_ms:.1f}", f"{res.p95_ms:.1f}", f"{res.mean_ms:.1f}", f"{res.embed_p50_ms:.1f}",
                  f"{res.lexical_p50_ms:.1f}", f"{res.dense_p50_ms:.1f}", f"{res.coverage_p50_ms:.1f}",
                  f"{res.joins_p50_ms:.1f}", f"{res.build_s:.0f}")
    console.print(table)
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(res.to_json(), indent=2) + "\n", encoding="utf-8")
        err.print(f"wrote {json_out}")
