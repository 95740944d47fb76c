"""A trained intent classifier: multinomial logistic regression on sentence embeddings.

Why a trained model next to the rules and the prototype k-NN (semantic.py): the rules only know
the wordings someone wrote down, and a nearest-two-prototypes vote is decided by whichever two
phrases happen to be closest. A linear model trained on ~2,000 labelled caller turns — written for
many kinds of business (ISPs, banks, airlines, shops, SaaS...), as ASR transcripts of phone
speech, with hard negatives ("how do refunds work", "what happens if I file a chargeback") next
to the positives — weighs *all* of them and generalises to wordings and companies it never saw.
Measured on two dev sets (evals/dev over Acme, evals/dev2 written independently of the rules for
other companies), see DEV_CALIBRATION in semantic.py.

Training data: `frontline/agent/intent_data/*.jsonl` (`{"intent": LABEL, "text": ...}`) plus the
prototype phrases of prototypes.py and the profile's must-refuse examples. Labels are
"family:kind" (caller_request, must_refuse:<category>, adversarial:<kind>, neutral:<kind>,
out_of_scope, smalltalk:<kind>); the classifier predicts the fine label and sums per family.
No eval file is ever training data.

The fit is deterministic (L-BFGS from zeros, L2 penalty) and takes ~2 s on 2 cores after the
~2,000 phrases are embedded; the weights are cached on disk under FRONTLINE_DATA_DIR/cache keyed
by a hash of the embedder name and the training rows, so later starts load them instantly.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger("frontline.agent.intent_model")

DATA_DIR = Path(__file__).with_name("intent_data")
L2 = 1e-5  # per-row-averaged penalty on the weights (not the bias); chosen on dev, see semantic.py
POSITIVE_FAMILIES = ("caller_request", "must_refuse", "adversarial")


def training_rows(extra: Sequence[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """(label, text) from intent_data/*.jsonl, then `extra` (prototypes, profile examples); de-duplicated."""
    rows: list[tuple[str, str]] = []
    for path in sorted(DATA_DIR.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                rows.append((str(d["intent"]), str(d["text"])))
            except (ValueError, KeyError) as e:
                raise ValueError(f"{path.name}:{n}: bad training row ({e})") from e
    rows += list(extra)
    seen: set[str] = set()
    out = []
    for label, text in rows:
        key = text.strip().lower()
        if key and key not in seen:
            seen.add(key)
            out.append((label, text))
    return out


def family(label: str) -> str:
    return label.split(":", 1)[0]


@dataclass
class IntentModel:
    labels: list[str]
    W: np.ndarray  # [dim, n_labels]
    b: np.ndarray  # [n_labels]

    def probabilities(self, vecs: np.ndarray) -> np.ndarray:
        z = np.atleast_2d(vecs) @ self.W + self.b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def family_scores(self, vec: np.ndarray) -> tuple[dict[str, float], dict[str, tuple[str, float]]]:
        """P(family) for one embedding, and the most likely fine label within each family."""
        p = self.probabilities(vec)[0]
        fam: dict[str, float] = {}
        best: dict[str, tuple[str, float]] = {}
        for label, v in zip(self.labels, p):
            f = family(label)
            fam[f] = fam.get(f, 0.0) + float(v)
            if v > best.get(f, ("", -1.0))[1]:
                best[f] = (label.split(":", 1)[1] if ":" in label else label, float(v))
        return fam, best


def fit(X: np.ndarray, y: np.ndarray, n_labels: int, l2: float = L2) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression by L-BFGS (scipy), deterministic."""
    from scipy.optimize import minimize

    n, d = X.shape
    Y = np.eye(n_labels)[y]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        W = theta[: d * n_labels].reshape(d, n_labels)
        b = theta[d * n_labels:]
        z = X @ W + b
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        p = np.exp(logp)
        f = -(Y * logp).sum() / n + 0.5 * l2 * (W * W).sum()
        g = (p - Y) / n
        return float(f), np.concatenate([(X.T @ g + l2 * W).ravel(), g.sum(axis=0)])

    res = minimize(loss, np.zeros(d * n_labels + n_labels), jac=True, method="L-BFGS-B",
                   options={"maxiter": 500})
    return res.x[: d * n_labels].reshape(d, n_labels), res.x[d * n_labels:]


def _cache_path(key: str) -> Path | None:
    try:
        from frontline.settings import get_settings

        return Path(get_settings().data_dir) / "cache" / f"intent-model-{key}.npz"
    except Exception:  # noqa: BLE001 - no data dir: just don't cache
        return None


def train(embedder, rows: Sequence[tuple[str, str]], *, embedder_name: str = "") -> IntentModel:
    """Fit (or load from the disk cache) the model for these rows and this embedder."""
    labels = sorted({label for label, _ in rows})
    h = hashlib.sha256(json.dumps([embedder_name, L2, list(rows)], ensure_ascii=False).encode()).hexdigest()[:16]
    path = _cache_path(h)
    if path is not None and path.exists():
        try:
            z = np.load(path, allow_pickle=False)
            if list(z["labels"]) == labels:
                return IntentModel(labels, z["W"], z["b"])
        except Exception as e:  # noqa: BLE001 - a broken cache file is refit, not fatal
            log.warning("intent model cache %s unreadable (%s); refitting", path, e)
    X = np.asarray(embedder.embed([t for _, t in rows]), dtype=np.float64)
    y = np.array([labels.index(label) for label, _ in rows])
    W, b = fit(X, y, len(labels))
    model = IntentModel(labels, W.astype(np.float32), b.astype(np.float32))
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npz")
            np.savez(tmp, W=model.W, b=model.b, labels=np.array(labels))
            tmp.replace(path)
        except OSError as e:
            log.warning("could not cache the intent model at %s: %s", path, e)
    return model
