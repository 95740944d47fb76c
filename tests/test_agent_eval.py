"""`frontline eval run` end to end: the real CLI, the real decision path, the real embedded Postgres.

The fixture (tests/data/agent/decisions_small.jsonl) has a few hand-written rows in each of the six
categories. The sample help center is ingested into a namespace of its own with
`ensure_sample_ingested`, and the command runs in a subprocess pointed at the test database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from frontline.knowledge.ingest import ensure_sample_ingested

from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "data" / "agent" / "decisions_small.jsonl"
NAMESPACE = "agent_eval_fixture"


@pytest.mark.slow
async def test_eval_run_on_fixture(db, tmp_path):
    await ensure_sample_ingested(db, NAMESPACE)
    out = tmp_path / "eval.json"
    env = {**os.environ, "DATABASE_URL": db.url, "FRONTLINE_DATA_DIR": str(tmp_path)}
    proc = await __import__("asyncio").to_thread(
        subprocess.run,
        [sys.executable, "-m", "frontline.cli.main", "eval", "run", str(FIXTURE), "--namespace", NAMESPACE,
         "--json-out", str(out), "--failures"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "deflection" in proc.stdout and "latency to first response" in proc.stdout

    report = json.loads(out.read_text())
    # the documented schema
    assert set(report) >= {"categories", "deflection", "latency_ms"}
    cats = report["categories"]
    assert set(cats) == {"deflection", "knowledge_seeking", "out_of_scope", "must_refuse", "caller_request",
                         "adversarial"}
    for c in cats.values():
        assert set(c) == {"n", "passed", "rate"}
        assert isinstance(c["n"], int) and isinstance(c["passed"], int) and isinstance(c["rate"], float)
        assert 0 <= c["passed"] <= c["n"] and c["rate"] == round(c["passed"] / c["n"], 4)
    d = report["deflection"]
    assert {"n", "answered", "correct", "wrong", "handoff", "top1", "recall@5"} <= set(d)
    assert d["n"] == 4 and d["correct"] + d["wrong"] == d["answered"] <= 4
    assert set(report["latency_ms"]) == {"p50", "p95"}
    assert 0 < report["latency_ms"]["p50"] <= report["latency_ms"]["p95"]

    # sensible results on plain rows
    assert d["wrong"] == 0 and d["correct"] >= 3
    assert d["recall@5"] >= 0.75
    for cat in ("out_of_scope", "must_refuse", "caller_request", "adversarial"):
        assert cats[cat]["passed"] == cats[cat]["n"], (cat, proc.stdout[-3000:])
    assert cats["knowledge_seeking"]["passed"] >= 1
