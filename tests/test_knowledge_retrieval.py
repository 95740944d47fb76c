"""Hybrid retrieval on the sample help center and the dev eval set (ingested once per module)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import pytest_asyncio

from frontline.evals.dataset import load_eval
from frontline.knowledge.embeddings import local_embedder
from frontline.knowledge.evaluation import evaluate_retrieval
from frontline.knowledge.ingest import SAMPLE_HELPCENTER, ingest_path
from frontline.knowledge.retrieval import KnowledgeBase
from frontline.knowledge.types import Hit, Retriever

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "evals" / "dev" / "retrieval.jsonl"
DEV2 = ROOT / "evals" / "dev2" / "retrieval.jsonl"
KESTREL = ROOT / "helpcenter" / "kestrel"

pytestmark = pytest.mark.skipif(
    not (DEV.is_file() and SAMPLE_HELPCENTER.is_dir()), reason="sample help center / dev eval set not present"
)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def acme(db):
    ns = f"t-acme-{uuid.uuid4().hex[:8]}"
    rep = await ingest_path(db, SAMPLE_HELPCENTER, ns)
    assert rep.ok, rep.failed
    return KnowledgeBase(db, namespace=ns)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def kestrel(db):
    if not (DEV2.is_file() and KESTREL.is_dir()):
        pytest.skip("second dev help center / dev2 eval set not present")
    ns = f"t-kestrel-{uuid.uuid4().hex[:8]}"
    rep = await ingest_path(db, KESTREL, ns)
    assert rep.ok, rep.failed
    return KnowledgeBase(db, namespace=ns)


def _plain():
    """The plain all-MiniLM-L6-v2: the retrieval mechanisms below (sentence rescoring, everyday phrasings,
    split words) were chosen and measured with it, and it stays a configured option. The fine-tuned
    default already ranks some of their test questions right without them (test_knowledge_embeddings)."""
    return local_embedder("minilm")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def acme_plain(db):
    ns = f"t-acme-plain-{uuid.uuid4().hex[:8]}"
    rep = await ingest_path(db, SAMPLE_HELPCENTER, ns, embedder=_plain())
    assert rep.ok, rep.failed
    return KnowledgeBase(db, namespace=ns, embedder=_plain())


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def kestrel_plain(db):
    if not (DEV2.is_file() and KESTREL.is_dir()):
        pytest.skip("second dev help center / dev2 eval set not present")
    ns = f"t-kestrel-plain-{uuid.uuid4().hex[:8]}"
    rep = await ingest_path(db, KESTREL, ns, embedder=_plain())
    assert rep.ok, rep.failed
    return KnowledgeBase(db, namespace=ns, embedder=_plain())


async def test_hits_are_filled_faithfully(acme):
    retriever: Retriever = acme  # satisfies the protocol statically
    assert callable(retriever.search)
    hits = await acme.search("um so yeah I was wondering how do i change the credit card you guys charge", k=5)
    assert 1 <= len(hits) <= 5 and all(isinstance(h, Hit) for h in hits)
    assert hits[0].article_id == "BILL_update_payment_method"
    assert len({h.article_id for h in hits}) == len(hits)  # one hit per article
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    top = hits[0]
    assert top.chunk_id.startswith("kb_") and top.text.startswith(top.title)
    assert top.dense_rank == 1 and 0.3 < top.dense_score <= 1.0
    assert 0.3 < top.extra["passage_score"] <= 1.0  # its best section's cosine
    assert 0.3 < top.extra["sentence_score"] <= 1.0  # its best sentence's cosine
    assert top.lexical_rank is not None and top.lexical_score > 0
    for h in hits:  # an arm that missed says None, never a made-up number
        assert (h.dense_rank is None) == (h.dense_score is None)
        assert (h.lexical_rank is None) == (h.lexical_score is None)


async def test_coverage_of_the_question_by_the_help_center_and_by_each_hit(acme):
    """query_novel: share of the question's content words no chunk contains; query_missing: the
    IDF-weighted share of its known words a hit's article lacks (confidence.py reads both)."""
    hits = await acme.search("download invoice", k=5)
    assert hits[0].article_id == "BILL_download_invoice"
    assert hits[0].extra["query_novel"] == 0.0 and hits[0].extra["query_missing"] == 0.0
    hits = await acme.search("download invoice zanzibarian", k=5)  # a word no article has
    assert all(h.extra["query_novel"] == pytest.approx(1 / 3, abs=1e-4) for h in hits)
    assert hits[0].extra["query_missing"] == 0.0  # it has both known words
    without = [h for h in hits if h.extra["query_missing"] > 0]
    assert without and all(0 < h.extra["query_missing"] < 1 for h in without)  # articles lacking one of them


async def test_asr_errors_are_recovered(acme):
    hits = await acme.search("how do I turn on to factor", k=3)
    assert "ACCT_setup_two_factor" in [h.article_id for h in hits]
    hits = await acme.search("where do i get my in voice", k=3)
    assert "BILL_download_invoice" in [h.article_id for h in hits]


async def test_hybrid_beats_either_arm_alone_on_dev(acme):
    rows = load_eval(DEV)
    hybrid = await evaluate_retrieval(acme, rows)
    dense = await evaluate_retrieval(acme.with_config(arms="dense"), rows)
    lexical = await evaluate_retrieval(acme.with_config(arms="lexical"), rows)
    assert hybrid.n == dense.n == lexical.n >= 300
    assert hybrid.mrr > dense.mrr and hybrid.mrr > lexical.mrr
    assert hybrid.recall_at_1 >= dense.recall_at_1 and hybrid.recall_at_1 > lexical.recall_at_1 + 0.1
    # recall@5: full text lifts the right article past close dense neighbours at the top, and with
    # sentence rescoring it can also push one a row out of the top 5 (Acme: 0.969 vs dense 0.972)
    assert hybrid.recall_at_5 >= max(dense.recall_at_5 - 0.01, lexical.recall_at_5)
    assert hybrid.recall_at_1 >= 0.80 and hybrid.recall_at_5 >= 0.95


async def test_second_help_center_generalises(kestrel):
    """Kestrel (consumer broadband + mobile) is a second dev help center, so that tuning on Acme's
    B2B SaaS questions is checked against a different company: hybrid retrieval must reach the
    goal there too, and beat full text alone clearly."""
    rows = load_eval(DEV2)
    hybrid = await evaluate_retrieval(kestrel, rows)
    lexical = await evaluate_retrieval(kestrel.with_config(arms="lexical"), rows)
    assert hybrid.n >= 200
    assert hybrid.recall_at_1 >= 0.80 and hybrid.recall_at_5 >= 0.95
    assert hybrid.recall_at_1 > lexical.recall_at_1 + 0.1 and hybrid.mrr > lexical.mrr


async def test_passage_rescoring_helps_on_both_dev_sets(acme, kestrel):
    """Rescoring dense candidates with their best-matching section lifts recall@1 and MRR on both help centers."""
    for kb, path in ((acme, DEV), (kestrel, DEV2)):
        await _passages_help(kb, load_eval(path))


async def _passages_help(kb, rows):
    with_passages = await evaluate_retrieval(kb, rows)
    chunk_only = await evaluate_retrieval(kb.with_config(passage_weight=0.0, sentence_weight=0.0), rows)
    assert with_passages.recall_at_1 > chunk_only.recall_at_1 and with_passages.mrr > chunk_only.mrr
    assert with_passages.recall_at_5 >= chunk_only.recall_at_5 - 0.02


async def test_sentence_rescoring_helps_over_both_dev_sets(acme_plain, kestrel_plain):
    """The best-sentence term lifts recall@1 and MRR summed over both help centers (Kestrel by ~4
    points recall@1, Acme within a row of even), without costing either more than 2 points recall@5."""
    r1 = mrr = 0.0
    for kb, path in ((acme_plain, DEV), (kestrel_plain, DEV2)):
        rows = load_eval(path)
        full = await evaluate_retrieval(kb, rows)
        sections_only = await evaluate_retrieval(kb.with_config(sentence_weight=0.0), rows)
        r1 += full.recall_at_1 - sections_only.recall_at_1
        mrr += full.mrr - sections_only.mrr
        assert full.recall_at_1 >= sections_only.recall_at_1 - 0.01
        assert full.recall_at_5 >= sections_only.recall_at_5 - 0.02
    assert r1 > 0.02 and mrr > 0.01


async def test_everyday_phrasings_reach_the_help_centers_words(acme_plain, kestrel_plain):
    """COLLOQUIAL_TERMS add the help center's word for a caller's ("laggy" → slow, loading): it
    decides these two questions, and costs neither dev set a point of recall@1 or recall@5."""
    acme, kestrel = acme_plain, kestrel_plain
    for kb, said, want in ((acme, "everything is super laggy in chrome", "TRBL_slow_loading"),
                           (kestrel, "netflix keeps spinning and the wifi is crawling", "NET_slow_speeds")):
        assert (await kb.search(said, k=5))[0].article_id == want
        assert (await kb.with_config(colloquial=False).search(said, k=5))[0].article_id != want
    for kb, path in ((acme, DEV), (kestrel, DEV2)):
        rows = load_eval(path)
        full = await evaluate_retrieval(kb, rows)
        plain = await evaluate_retrieval(kb.with_config(colloquial=False), rows)
        assert full.recall_at_1 >= plain.recall_at_1 and full.recall_at_5 >= plain.recall_at_5
        assert full.mrr >= plain.mrr


async def test_words_split_by_speech_to_text_are_joined_as_the_help_center_spells_them(acme_plain):
    """"ex port" is one word in the help center ('export'): joined, it decides the question; the
    company's own name and stop words are never joined; the dev set loses nothing."""
    acme = acme_plain
    hits = await acme.search("how do i ex port everything", k=5)
    assert acme.last_trace.extra["joined"] == ["export"] and "export" in acme.last_trace.query.terms
    assert hits[0].article_id == "PRIV_export_data"
    plain = acme.with_config(join_split_words=False)
    assert (await plain.search("how do i ex port everything", k=5))[0].article_id != "PRIV_export_data"
    for said in ("is ac me down", "the page is not working for me"):
        await acme.search(said, k=5)
        assert "joined" not in acme.last_trace.extra
    rows = load_eval(DEV)
    full, without = await evaluate_retrieval(acme, rows), await evaluate_retrieval(plain, rows)
    assert full.recall_at_1 >= without.recall_at_1 and full.recall_at_5 >= without.recall_at_5


async def test_the_stem_memo_stays_bounded(acme, monkeypatch):
    """Every search stems its words and the runs it might join; the memo keeps the newest entries
    only, and a search whose words were dropped from it stems them again."""
    from frontline.knowledge import retrieval

    monkeypatch.setattr(retrieval, "STEM_CACHE_MAX", 40)
    kb = acme.with_config()
    kb._stem_cache = {}
    for said in ("um so yeah I was wondering how do i change the credit card you guys charge every month",
                 "my whole team keeps getting logged out of the mobile app after the update last night",
                 "how do i ex port everything"):
        hits = await kb.search(said, k=5)
        assert len(kb._stem_cache) <= 40
    assert hits[0].article_id == "PRIV_export_data" and kb.last_trace.extra["joined"] == ["export"]


async def test_retrieval_bench_reports_every_stage_and_cleans_up(db):
    """`frontline bench retrieval` on a small synthetic namespace: every stage timed, the namespace dropped."""
    from frontline.knowledge.bench import bench_retrieval

    res = await bench_retrieval(db, n_chunks=120, n_queries=12)
    out = res.to_json()
    assert out["chunks"] == 120 and out["queries"] == 12
    assert 0 < out["latency_ms"]["p50"] <= out["latency_ms"]["p95"]
    assert all(out["stages_p50_ms"][s] > 0 for s in ("embed", "lexical", "dense", "coverage"))
    assert out["stages_p50_ms"]["joins"] >= 0
    async with db.pool.connection() as conn:
        left = await (await conn.execute("SELECT count(*) FROM kb_chunks WHERE namespace LIKE 'bench-%'")).fetchone()
    assert left[0] == 0
