"""The calibrated confidence: features from one retrieval, the cost-weighted fit, and the CLI guard."""

from __future__ import annotations

import random

import pytest

from frontline.agent import confidence as conf
from frontline.knowledge.types import Hit


def _hit(article: str, fused: float, dense: float | None, *, passage: float | None = None,
         dense_rank: int | None = None, lexical_rank: int | None = None, **extra: float) -> Hit:
    return Hit(article_id=article, title=article, chunk_id="kb_000000000000", text="", score=fused,
               dense_score=dense, lexical_score=None, dense_rank=dense_rank, lexical_rank=lexical_rank,
               extra=({} if passage is None else {"passage_score": passage}) | extra)


def test_features_of_a_clear_winner_and_of_a_near_tie():
    clear = [_hit("A", 1 / 61 + 1 / 61, 0.72, passage=0.80, dense_rank=1, lexical_rank=1),
             _hit("B", 1 / 62 + 1 / 63, 0.41, passage=0.50, dense_rank=2, lexical_rank=3)]
    f = conf.features(clear)
    assert f["top_dense"] == pytest.approx(0.72)
    assert f["dense_margin"] == pytest.approx(0.31)
    assert f["pass_margin"] == pytest.approx(0.30)
    assert f["both_top"] == 1.0 and f["lex_top"] == 1.0
    assert f["fused_margin"] == pytest.approx(60 * (2 / 61 - 1 / 62 - 1 / 63))

    tie = [_hit("A", 1 / 61, 0.55, dense_rank=1), _hit("B", 1 / 61, 0.54, passage=0.60, lexical_rank=1)]
    g = conf.features(tie)
    assert g["dense_margin"] == pytest.approx(0.01)
    # a hit without a stored passage falls back to its chunk cosine
    assert g["pass_margin"] == pytest.approx(0.55 - 0.60)
    assert g["both_top"] == 0.0 and g["lex_top"] == 0.0 and g["fused_margin"] == pytest.approx(0.0)
    assert conf.score(clear).probability > 0.9 > 0.7 > conf.score(tie).probability  # answer / ask


def test_words_the_help_center_lacks_lower_the_confidence():
    """The same retrieval, but a third of the question's words appear nowhere in the help center
    (query_novel) or the known ones are missing from the top article (query_missing): a question
    just outside the help center shares its topic words with the top article, not all of them."""
    ranks = {"dense_rank": 1, "lexical_rank": 1}
    covered = [_hit("A", 2 / 61, 0.62, passage=0.66, **ranks), _hit("B", 1 / 62, 0.50, dense_rank=2)]
    f = conf.features(covered)
    assert f["novel"] == 0.0 and f["missing"] == 0.0  # searched before coverage existed: no evidence
    novel = [_hit("A", 2 / 61, 0.62, passage=0.66, query_novel=1 / 3, query_missing=0.0, **ranks),
             _hit("B", 1 / 62, 0.50, dense_rank=2, query_novel=1 / 3, query_missing=0.5)]
    g = conf.features(novel)
    assert g["novel"] == pytest.approx(1 / 3) and g["missing"] == 0.0  # the top hit's own coverage
    missing = [_hit("A", 2 / 61, 0.62, passage=0.66, query_novel=0.0, query_missing=0.4, **ranks),
               _hit("B", 1 / 62, 0.50, dense_rank=2, query_novel=0.0, query_missing=0.0)]
    assert conf.features(missing)["missing"] == pytest.approx(0.4)
    p = conf.score(covered).probability
    assert conf.score(novel).probability < p and conf.score(missing).probability < p


def test_a_lone_article_has_no_rank_gap():
    f = conf.features([_hit("A", 1 / 61, 0.30, dense_rank=1)])
    assert f["fused_margin"] == 0.0 and f["dense_margin"] == pytest.approx(0.30)


def test_no_hits_is_zero_confidence_and_out_of_scope():
    c = conf.score([])
    assert c.probability == 0.0 and c.out_of_scope
    assert set(conf.FEATURES) <= set(c.features)


def test_fit_separates_and_a_higher_wrong_cost_lowers_confidence():
    rng = random.Random(7)
    rows, labels = [], []
    for _ in range(400):
        right = rng.random() < 0.7
        m = rng.gauss(0.15 if right else 0.02, 0.05)
        rows.append({"top_dense": rng.gauss(0.65 if right else 0.5, 0.08), "dense_margin": m, "pass_margin": m,
                     "both_top": float(right and rng.random() < 0.6), "lex_top": float(rng.random() < 0.5),
                     "fused_margin": rng.random(), "novel": rng.gauss(0.12 if right else 0.16, 0.1),
                     "missing": rng.gauss(0.18 if right else 0.24, 0.1)})
        labels.append(int(right))
    w1 = conf.fit(rows, labels, wrong_cost=1.0)
    w3 = conf.fit(rows, labels, wrong_cost=3.0)
    assert w1["dense_margin"] > 0 and w1["top_dense"] > 0
    p1 = [conf.probability(r, w1) for r in rows]
    p3 = [conf.probability(r, w3) for r in rows]
    # calibrated at cost 1: the mean prediction matches the base rate
    assert sum(p1) / len(p1) == pytest.approx(sum(labels) / len(labels), abs=0.02)
    # a costlier wrong answer answers fewer rows at the same threshold, and fewer of them wrongly
    ans1 = [y for p, y in zip(p1, labels) if p >= 0.7]
    ans3 = [y for p, y in zip(p3, labels) if p >= 0.7]
    assert len(ans3) < len(ans1)
    assert (len(ans3) - sum(ans3)) / max(1, len(ans3)) <= (len(ans1) - sum(ans1)) / max(1, len(ans1))
    # deterministic
    assert conf.fit(rows, labels, wrong_cost=3.0) == w3


def test_fit_refuses_one_class():
    with pytest.raises(ValueError, match="both right and wrong"):
        conf.fit([{f: 0.5 for f in conf.FEATURES}] * 3, [1, 1, 1])


def test_calibrate_refuses_a_test_file(tmp_path):
    from typer.testing import CliRunner

    from frontline.cli.main import app

    f = tmp_path / "test" / "decisions.jsonl"
    f.parent.mkdir()
    f.write_text('{"id": "a", "category": "deflection", "text": "hi", "expect": {"article": "X"}}\n')
    res = CliRunner().invoke(app, ["eval", "calibrate", f"{f}@default"])
    assert res.exit_code == 1
    assert "refusing to calibrate on a test file" in res.output
