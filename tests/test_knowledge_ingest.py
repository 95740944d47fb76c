"""Ingest on the real embedded Postgres: formats, incremental, --replace, bad files, atomicity,
namespaces, embedding-model mismatch, chunk ids."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import numpy as np
import pytest

from frontline.knowledge import ingest as ingest_mod
from frontline.knowledge.articles import Article
from frontline.knowledge.chunking import chunk_article, count_tokens, split_sentences
from frontline.knowledge.embeddings import get_embedder
from frontline.knowledge.ingest import ensure_sample_ingested, ingest_path, parse_tree
from frontline.knowledge.namespaces import NamespaceMismatchError, namespace_stats, register_namespace
from frontline.knowledge.retrieval import KnowledgeBase

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "tests" / "data" / "kb" / "good"
GOOD_IDS = {
    "TBILL_Update_Card", "TBILL_Refunds", "TBILL_Download_Invoice", "TSEC_Two_Factor", "TSEC_SSO_Setup",
    "password_reset", "TDATA_Export", "TTEAM_Invite_Members", "TTEAM_Remove_Member", "TOUT_Status_Page",
}


def ns() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


async def rows(db, sql: str, *args):
    async with db.pool.connection() as conn:
        return await (await conn.execute(sql, args)).fetchall()


async def article_ids(db, namespace: str) -> set[str]:
    return {r[0] for r in await rows(db, "SELECT article_id FROM kb_articles WHERE namespace = %s", namespace)}


async def test_ingest_markdown_html_jsonl(db):
    n = ns()
    rep = await ingest_path(db, GOOD, n)
    assert rep.ok and rep.failed == []
    assert set(rep.added) == GOOD_IDS  # ids verbatim: capitals, underscores, file stem fallback
    assert await article_ids(db, n) == GOOD_IDS

    arts = {r[0]: r[1:] for r in await rows(
        db, "SELECT article_id, title, url, tags, source FROM kb_articles WHERE namespace = %s", n)}
    assert arts["TBILL_Update_Card"] == ("Update the card you pay with", "https://help.example.test/update-card",
                                         ["billing", "payment"], "billing/update_card.md")
    assert arts["password_reset"][0] == "Reset a forgotten password"  # '# H1' becomes the title
    assert arts["TDATA_Export"][:2] == ("Export your workspace data", "https://help.example.test/export")
    assert arts["TTEAM_Invite_Members"][0] == "Invite people to your workspace"

    chunks = await rows(db, "SELECT chunk_id, article_id, text FROM kb_chunks WHERE namespace = %s", n)
    assert all(re.fullmatch(r"kb_[0-9a-f]{12}", c[0]) for c in chunks)
    html = next(c[2] for c in chunks if c[1] == "TDATA_Export")
    assert html.startswith("Export your workspace data")
    assert "## Start an export" in html and "Settings > Data > Export." in html
    for junk in ("do not index this", "Cookie settings", "color:red", "Home"):
        assert junk not in html
    # each chunk is prefixed with the article title
    titles = {r[0]: r[1] for r in await rows(db, "SELECT article_id, title FROM kb_articles WHERE namespace = %s", n)}
    assert all(c[2].startswith(titles[c[1]]) for c in chunks)
    # full text is weighted and queryable
    hit = await rows(db, "SELECT article_id FROM kb_chunks WHERE namespace = %s AND tsv @@ to_tsquery('english', 'saml')", n)
    assert {h[0] for h in hit} == {"TSEC_SSO_Setup"}

    st = await namespace_stats(db, n)
    assert (st.articles, st.chunks, st.embedding_dim) == (10, len(chunks), 384)

    # every chunk's sections are stored as passage vectors, one per section piece
    passages = await rows(db, "SELECT chunk_id, count(*) FROM kb_passages WHERE namespace = %s GROUP BY chunk_id", n)
    assert {p[0] for p in passages} == {c[0] for c in chunks}
    sso = await rows(db, "SELECT vector_norm(p.embedding) FROM kb_passages p JOIN kb_chunks c USING (namespace, chunk_id)"
                         " WHERE p.namespace = %s AND c.article_id = 'TSEC_SSO_Setup' ORDER BY p.ordinal", n)
    assert len(sso) >= 2 and all(abs(v[0] - 1) < 1e-3 for v in sso)  # L2-normalised, one per section

    # ... and every sentence of those sections as a 'sentence' row, embedded with its title and heading
    by_kind = {(r[0], r[1]): r[2] for r in await rows(
        db, "SELECT chunk_id, kind, count(*) FROM kb_passages WHERE namespace = %s GROUP BY 1, 2", n)}
    arts, _, _ = parse_tree(GOOD)
    expected = {c.chunk_id: c for a in arts for c in chunk_article(a, n)}
    assert set(expected) == {c[0] for c in chunks}
    for cid, c in expected.items():
        assert by_kind[(cid, "section")] == len(c.passages) and by_kind[(cid, "sentence")] == len(c.sentences) > 0
    emb = get_embedder()
    sso_chunk = next(c for c in expected.values() if c.article_id == "TSEC_SSO_Setup")
    stored = await rows(db, "SELECT embedding FROM kb_passages WHERE namespace = %s AND chunk_id = %s"
                            " AND kind = 'sentence' ORDER BY ordinal", n, sso_chunk.chunk_id)
    want = emb.embed(list(sso_chunk.sentences))
    assert np.allclose(np.array([np.asarray(r[0].to_numpy()) for r in stored]), want, atol=1e-5)


async def test_reingest_skips_unchanged_and_updates_changed(db, tmp_path):
    n = ns()
    src = tmp_path / "kb"
    shutil.copytree(GOOD, src)
    first = await ingest_path(db, src, n)
    before = {r[0]: r[1] for r in await rows(
        db, "SELECT chunk_id, article_id FROM kb_chunks WHERE namespace = %s", n)}

    again = await ingest_path(db, src, n)
    assert set(again.unchanged) == GOOD_IDS and again.added == again.updated == [] and again.chunks_written == 0

    f = src / "billing" / "refunds.md"
    f.write_text(f.read_text().replace("30 days of purchase", "14 days of purchase"))
    third = await ingest_path(db, src, n)
    assert third.updated == ["TBILL_Refunds"] and len(third.unchanged) == len(GOOD_IDS) - 1
    after = {r[0]: r[1] for r in await rows(db, "SELECT chunk_id, article_id FROM kb_chunks WHERE namespace = %s", n)}
    # untouched articles keep their chunk ids; the edited one gets new ones
    assert {c for c, a in before.items() if a != "TBILL_Refunds"} <= set(after)
    assert not ({c for c, a in before.items() if a == "TBILL_Refunds"} & set(after))
    text = (await rows(db, "SELECT text FROM kb_chunks WHERE namespace = %s AND article_id = 'TBILL_Refunds'", n))[0][0]
    assert "14 days" in text and "30 days of purchase" not in text
    assert len(first.added) == len(GOOD_IDS)


async def test_replace_deletes_missing_articles_only_with_flag(db, tmp_path):
    n = ns()
    src = tmp_path / "kb"
    shutil.copytree(GOOD, src)
    await ingest_path(db, src, n)
    (src / "security" / "sso.md").unlink()
    kept = await ingest_path(db, src, n)
    assert kept.deleted == [] and "TSEC_SSO_Setup" in await article_ids(db, n)
    rep = await ingest_path(db, src, n, replace=True)
    assert rep.deleted == ["TSEC_SSO_Setup"]
    assert await article_ids(db, n) == GOOD_IDS - {"TSEC_SSO_Setup"}
    assert not await rows(db, "SELECT 1 FROM kb_chunks WHERE namespace = %s AND article_id = 'TSEC_SSO_Setup'", n)
    # passages go with their chunks
    assert not await rows(db, "SELECT 1 FROM kb_passages p WHERE p.namespace = %s AND NOT EXISTS"
                              " (SELECT 1 FROM kb_chunks c WHERE c.namespace = p.namespace AND c.chunk_id = p.chunk_id)", n)


async def test_replace_keeps_articles_whose_file_failed_to_parse(db, tmp_path):
    n = ns()
    src = tmp_path / "kb"
    shutil.copytree(GOOD, src)
    await ingest_path(db, src, n)
    (src / "security" / "sso.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    rep = await ingest_path(db, src, n, replace=True)
    assert not rep.ok and rep.deleted == []
    assert "TSEC_SSO_Setup" in await article_ids(db, n)


def _bad_tree(root: Path) -> None:
    root.mkdir()
    (root / "good.md").write_text("---\nid: BAD_Good\ntitle: A good one\n---\nThis article is fine.\n")
    (root / "empty.md").write_text("  \n\n")
    (root / "only_front.md").write_text("---\nid: BAD_NoBody\ntitle: No body\n---\n\n")
    (root / "bad_front.md").write_text("---\nid: BAD_Front\ntitle: [unclosed\n---\nSome body text.\n")
    (root / "z_dupe.md").write_text("---\nid: BAD_Good\ntitle: Same id\n---\nAnother article with the same id.\n")
    (root / "binary.md").write_bytes(b"---\nid: BAD_Bin\n---\n\xff\xfe\x00garbage\x81")
    (root / "broken.jsonl").write_text(
        '{"id": "BAD_J1", "title": "Fine", "body": "Fine body."}\n{"id": "BAD_J2", "title": "x"\n')


async def test_bad_files_fail_clearly_and_write_nothing(db, tmp_path):
    n = ns()
    src = tmp_path / "bad"
    _bad_tree(src)
    rep = await ingest_path(db, src, n)
    assert not rep.ok
    reasons = {f.source: f.reason for f in rep.failed}
    assert set(reasons) == {"empty.md", "only_front.md", "bad_front.md", "z_dupe.md", "binary.md", "broken.jsonl"}
    assert "empty" in reasons["empty.md"]
    assert "empty" in reasons["only_front.md"]
    assert "front matter" in reasons["bad_front.md"]
    assert "duplicate article id 'BAD_Good'" in reasons["z_dupe.md"] and "good.md" in reasons["z_dupe.md"]
    assert "UTF-8" in reasons["binary.md"]
    assert "line 2" in reasons["broken.jsonl"]
    # only the good file's article exists; nothing from the failed files, not even BAD_J1
    assert await article_ids(db, n) == {"BAD_Good"}
    assert rep.added == ["BAD_Good"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
async def test_unreadable_file(db, tmp_path):
    src = tmp_path / "kb"
    src.mkdir()
    (src / "locked.md").write_text("Some text")
    (src / "locked.md").chmod(0)
    rep = await ingest_path(db, src, ns())
    assert [f.source for f in rep.failed] == ["locked.md"] and "unreadable" in rep.failed[0].reason


class PoisonEmbedder:
    """The real model, except texts containing POISON get NaN vectors (which pgvector rejects)."""

    def __init__(self) -> None:
        self._inner = get_embedder()
        self.name, self.dim = self._inner.name, self._inner.dim

    def embed(self, texts):
        v = self._inner.embed(texts)
        for i, t in enumerate(texts):
            if "POISON" in t:
                v[i, 0] = np.nan
        return v

    def embed_query(self, text):
        return self._inner.embed_query(text)


async def test_failed_write_leaves_no_half_article(db, tmp_path):
    n = ns()
    src = tmp_path / "kb"
    src.mkdir()
    long_ok = "\n\n".join(f"## Part {i}\n" + "Words about routers and networks. " * 60 for i in range(4))
    (src / "a.md").write_text(f"---\nid: ATOM_A\ntitle: Routers\n---\n{long_ok}")
    (src / "b.md").write_text("---\nid: ATOM_B\ntitle: B\n---\nFine body.")
    rep = await ingest_path(db, src, n, embedder=PoisonEmbedder())
    assert rep.ok
    old_chunks = await rows(db, "SELECT chunk_id FROM kb_chunks WHERE namespace = %s AND article_id = 'ATOM_A'", n)
    assert len(old_chunks) >= 3

    # the edit poisons only the last chunk: the whole article's write must roll back
    (src / "a.md").write_text(f"---\nid: ATOM_A\ntitle: Routers\n---\n{long_ok}\n\n## Last\nPOISON here.")
    rep = await ingest_path(db, src, n, embedder=PoisonEmbedder())
    assert not rep.ok and rep.failed[0].source == "a.md" and "ATOM_A" in rep.failed[0].reason
    assert rep.unchanged == ["ATOM_B"]
    # the previous version is intact (delete + insert were one transaction)
    assert await rows(db, "SELECT chunk_id FROM kb_chunks WHERE namespace = %s AND article_id = 'ATOM_A'", n) == old_chunks

    (src / "c.md").write_text("---\nid: ATOM_C\ntitle: C\n---\nPOISON from the start.")
    rep = await ingest_path(db, src, n, embedder=PoisonEmbedder())
    assert "ATOM_C" not in await article_ids(db, n)


async def test_namespaces_are_isolated(db, tmp_path):
    a, b = ns(), ns()
    await ingest_path(db, GOOD, a)
    await ingest_path(db, GOOD / "extra_articles.jsonl", b)
    assert await article_ids(db, b) == {"TTEAM_Invite_Members", "TTEAM_Remove_Member", "TOUT_Status_Page"}
    kb = KnowledgeBase(db)
    in_a = await kb.search("how do I set up saml single sign on", k=3, namespace=a)
    in_b = await kb.search("how do I set up saml single sign on", k=10, namespace=b)
    assert in_a[0].article_id == "TSEC_SSO_Setup"
    assert {h.article_id for h in in_b} <= {"TTEAM_Invite_Members", "TTEAM_Remove_Member", "TOUT_Status_Page"}
    assert await kb.search("anything", namespace=ns()) == []  # unknown namespace: no hits, no error


class OtherModel:
    name, dim = "some-other-model", 8

    def embed(self, texts):
        return np.ones((len(texts), 8), dtype=np.float32) / np.sqrt(8)

    def embed_query(self, text):
        return np.ones(8, dtype=np.float32) / np.sqrt(8)


async def test_embedding_model_mismatch_is_refused(db, tmp_path):
    n = ns()
    await ingest_path(db, GOOD / "extra_articles.jsonl", n, embedder=OtherModel())
    with pytest.raises(NamespaceMismatchError, match="some-other-model"):
        await ingest_path(db, GOOD, n)  # the configured MiniLM
    with pytest.raises(NamespaceMismatchError, match="all-MiniLM"):
        await KnowledgeBase(db).search("invite people", namespace=n)
    with pytest.raises(NamespaceMismatchError):
        await register_namespace(db, n, "some-other-model", 16)
    # the same model still works
    hits = await KnowledgeBase(db, embedder=OtherModel()).search("invite people to the workspace", namespace=n)
    assert hits and hits[0].article_id == "TTEAM_Invite_Members"


def test_chunk_ids_are_stable_and_content_addressed():
    art = Article(id="X_1", title="T", body="Intro.\n\n## A\nText a.\n\n## B\nText b.", source="x.md")
    one, two = chunk_article(art, "ns1"), chunk_article(art, "ns1")
    assert [c.chunk_id for c in one] == [c.chunk_id for c in two]
    assert all(re.fullmatch(r"kb_[0-9a-f]{12}", c.chunk_id) for c in one)
    assert [c.chunk_id for c in chunk_article(art, "ns2")] != [c.chunk_id for c in one]
    edited = Article(id="X_1", title="T", body="Intro.\n\n## A\nText a!\n\n## B\nText b.", source="x.md")
    assert [c.chunk_id for c in chunk_article(edited, "ns1")] != [c.chunk_id for c in one]


def test_chunking_keeps_headings_with_their_text_and_respects_size():
    secs = [f"## Section {i}\n" + " ".join(f"sentence {i}.{j} about topic {i}." for j in range(60)) for i in range(5)]
    art = Article(id="LONG", title="A long article", body="Intro line.\n\n" + "\n\n".join(secs), source="l.md")
    chunks = chunk_article(art, "ns")
    assert len(chunks) >= 3
    for c in chunks:
        assert c.text.startswith("A long article")
        assert count_tokens(c.text) <= 480 + 8
        # every section's text in this chunk comes with its heading
        for i in range(5):
            if f"about topic {i}." in c.body:
                assert f"Section {i}" in c.text
    # sections longer than a chunk are windowed with overlap
    one_section = Article(id="ONE", title="T", body="## Big\n" + "word " * 1500, source="o.md")
    windows = chunk_article(one_section, "ns")
    assert len(windows) >= 4 and all(c.heading == "Big" and "— Big" in c.text for c in windows)


def test_sentences_are_split_with_their_title_and_heading():
    body = ("Intro. Second line!\n\n## Steps\n1. Open **Settings**.\n2. Click Save. Done?\n- e.g. a list item\n\n"
            "## Tips\nShort.")
    art = Article(id="S_1", title="Title", body=body, source="s.md")
    assert split_sentences("1. Open **Settings**.\n2. Click Save. Done?\n- ok\n") == ["Open Settings.", "Click Save.", "Done?"]
    (chunk,) = chunk_article(art, "ns")
    assert chunk.sentences == ("Title\nIntro.", "Title\nSecond line!", "Title — Steps\nOpen Settings.",
                               "Title — Steps\nClick Save.", "Title — Steps\nDone?",
                               "Title — Steps\ne.g. a list item", "Title — Tips\nShort.")


def test_embedding_batches_by_length_keep_each_text_its_own_vector():
    """embed() batches texts by token length; each text still gets exactly the vector it gets alone."""
    emb = get_embedder()
    texts = ["short one", "word " * 300, "a medium sized sentence about invoices and billing", "x", "word " * 40] * 9
    batched = emb.embed(texts)
    alone = np.stack([emb.embed_query(t) for t in texts])
    assert batched.shape == (len(texts), 384) and np.allclose(batched, alone, atol=1e-5)


async def test_ensure_sample_ingested(db, monkeypatch, caplog):
    n = ns()
    monkeypatch.setattr(ingest_mod, "SAMPLE_HELPCENTER", GOOD)
    rep = await ensure_sample_ingested(db, n)
    assert rep is not None and set(rep.added) == GOOD_IDS
    assert await ensure_sample_ingested(db, n) is None  # not empty any more: nothing to do
    monkeypatch.setattr(ingest_mod, "SAMPLE_HELPCENTER", GOOD / "missing")
    assert await ensure_sample_ingested(db, ns()) is None
    assert "absent" in caplog.text


def test_cli_ingest_exits_nonzero_on_bad_file(db, tmp_path):
    src = tmp_path / "bad"
    _bad_tree(src)
    env = {**os.environ, "DATABASE_URL": db.url}
    out = subprocess.run([sys.executable, "-m", "frontline.cli.main", "kb", "ingest", str(src), "-n", ns()],
                         capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 1, out.stderr
    assert "z_dupe.md" in out.stderr and "duplicate article id" in out.stderr
    assert "added" in out.stdout
