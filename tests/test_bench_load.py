"""Load benchmark mechanics and admission control, against a real `frontline serve` subprocess."""

from __future__ import annotations

import pytest

from frontline.bench.load import _pct


def test_percentiles():
    assert _pct([], 0.5) is None
    assert _pct([100.0, 200.0, 300.0, 400.0, 500.0], 0.5) == 300.0
    assert _pct(list(map(float, range(1, 101))), 0.99) == 99.0  # rounded to 0.1 ms


@pytest.mark.slow
async def test_overflow_calls_get_the_apology_and_are_not_admitted(db, tmp_path, monkeypatch):
    """3 callers, capacity 2: admitted calls are answered; the overflow caller gets at_capacity."""
    from frontline.bench.load import plot, run_load

    # the server subprocess inherits it: the session's database, not an embedded server of its own
    # started (and left running) in the data folder (its intent-model cache stays shared there)
    monkeypatch.setenv("DATABASE_URL", db.url)

    res = await run_load(3, 12.0, False, max_calls=2)
    lv = res["levels"][0]
    assert lv["rejected_at_capacity"] >= 1, lv
    assert lv["errors"] == 0 and lv["dropped"] == 0, lv["error_kinds"]
    assert lv["turns"] >= 2 and lv["turn_gap_ms"]["p95"] < 3000
    assert lv["rss_mb"]["max"] > 100 and lv["samples"]
    assert res["largest_ok_concurrency"] is None  # a level with rejected calls is not "ok"
    plot(res, tmp_path / "load.png")
    assert (tmp_path / "load.png").stat().st_size > 1000


def test_benchmarks_report_renders_json_and_marks_missing_runs(tmp_path):
    """BENCHMARKS.md rendering: tables from the JSON that exists, '_not run_' for the rest, paths shown
    relative to the checkout."""
    import json as _json

    from frontline.bench import report

    out = report.ROOT / "out" / "test-bench-render"
    out.mkdir(parents=True, exist_ok=True)
    try:
        (out / "latency.json").write_text(_json.dumps({
            "turns": 3, "rss_mb": 700.0, "turn_gap_ms": {"p50": 350.0, "p95": 450.0, "max": 460.0},
            "stages_ms": {"stt": {"p50": 170.0, "p95": 200.0}}}))
        md = report.render(out, {"latency": {"rc": 0, "s": 12.0}})
    finally:
        for f in out.iterdir():
            f.unlink()
        out.rmdir()
    assert "| turn gap | 350.0 | 450.0 |" in md and "| stt | 170.0 | 200.0 |" in md
    assert md.count("_not run_") == 2  # load and the frozen eval; overflow and asr add nothing when absent
    assert str(report.ROOT) not in md and "exit 0, 12 s" in md
