"""How sure the agent is that the top retrieved article answers the caller: a calibrated probability.

Why calibrate: raw retrieval scores are not probabilities. A fused RRF score says where a chunk
ranked, not whether it is *right*; a cosine of 0.55 means "close" for one query and "unrelated"
for another. The handoff gate compares confidence with a threshold stated in the profile (0.7),
so the number must mean "P(the top article is the right answer)".

Features (all from one retrieval, see `features`):
  * top_dense    cosine similarity of the top hit (0 when the dense arm missed it)
  * dense_margin best cosine of the top article minus best cosine of any *other* article: a clear
                 winner is more trustworthy than a near tie between two articles
  * both_top     1 when the dense and the lexical (full-text) arm both ranked the top article first
  (also computed, but weighted 0 after the dev fit: lex_top, lex_hit, share — they added nothing
  once both_top was in, and every extra weight is one more thing to overfit on 130 rows)

Model: logistic regression p = sigmoid(b + w·x), fitted with `fit()` on evals/dev only (rows of
category deflection / knowledge_seeking labelled 1 when the top article is the expected one, 0
otherwise; out_of_scope rows labelled 0), never on evals/test. `WEIGHTS` below holds the fitted
values; `frontline eval calibrate evals/dev/decisions.jsonl` refits and prints them. The fit and
the chosen bands are documented in DEV_CALIBRATION.

Bands used by the policy:
  * p >= profile.handoff_confidence_threshold            → answer;
  * OUT_OF_SCOPE_BELOW <= p < threshold                   → clarify once, then low_confidence handoff;
  * p < OUT_OF_SCOPE_BELOW and the top cosine is also low → out of scope (nothing in the help center).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from frontline.knowledge.types import Hit

FEATURES = ("top_dense", "dense_margin", "both_top")

# Fitted on evals/dev/decisions.jsonl (deflection + knowledge_seeking + out_of_scope rows, 176 rows,
# label = top-1 article is the expected one; MiniLM-int8 hybrid retrieval, k=5), unregularised
# logistic regression (`fit(..., l2=0)`). See DEV_CALIBRATION for the operating points.
WEIGHTS: dict[str, float] = {"bias": -5.62, "top_dense": 8.47, "dense_margin": 20.28, "both_top": 2.07}
OUT_OF_SCOPE_BELOW = 0.15  # calibrated probability below which we consider the question out of scope
OUT_OF_SCOPE_MAX_DENSE = 0.45  # ... provided the best cosine is also below this
DEV_CALIBRATION = """
dev (98 deflection rows; retrieval top-1 = 0.82, recall@5 = 0.94), answering when p >= threshold:
  threshold 0.5: 78 answered, 5 wrong     threshold 0.7: 72 answered, 2 wrong (the profile default)
  threshold 0.8: 66 answered, 1 wrong     threshold 0.9: 63 answered, 1 wrong
Other feature sets tried on dev: + lexical score / lex_top / dense_top gave the same 0.7 point
(70-72 answered, 2 wrong); L2-regularised fits flattened the margin weight and let 3-4 wrong
answers through at 0.7. Out-of-scope rows scored >= 0.7 only when they named another product
("reset my password in asana"), which the policy catches with the foreign-product check.
"""


@dataclass(frozen=True)
class Confidence:
    probability: float
    features: dict[str, float]

    @property
    def out_of_scope(self) -> bool:
        return self.probability < OUT_OF_SCOPE_BELOW and self.features.get("top_dense", 0.0) < OUT_OF_SCOPE_MAX_DENSE


def features(hits: Sequence[Hit]) -> dict[str, float]:
    if not hits:
        return {f: 0.0 for f in FEATURES}
    top = hits[0]
    best: dict[str, float] = {}
    for h in hits:
        d = h.dense_score if h.dense_score is not None else 0.0
        best[h.article_id] = max(best.get(h.article_id, 0.0), d)
    top_dense = top.dense_score if top.dense_score is not None else 0.0
    own = best.get(top.article_id, top_dense)
    others = [v for a, v in best.items() if a != top.article_id]
    margin = own - max(others) if others else own
    return {
        "top_dense": float(top_dense),
        "dense_margin": float(margin),
        "both_top": 1.0 if top.lexical_rank == 1 and top.dense_rank == 1 else 0.0,
        "lex_top": 1.0 if top.lexical_rank == 1 else 0.0,
        "lex_hit": 1.0 if top.lexical_rank is not None else 0.0,
        "share": sum(1 for h in hits if h.article_id == top.article_id) / len(hits),
    }


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def probability(feats: dict[str, float], weights: dict[str, float] | None = None) -> float:
    w = weights or WEIGHTS
    return _sigmoid(w.get("bias", 0.0) + sum(w.get(k, 0.0) * v for k, v in feats.items()))


def score(hits: Sequence[Hit], weights: dict[str, float] | None = None) -> Confidence:
    f = features(hits)
    return Confidence(probability(f, weights) if hits else 0.0, f)


def fit(rows: Sequence[dict[str, float]], labels: Sequence[int], *, l2: float = 0.0,
        steps: int = 60000, lr: float = 1.0) -> dict[str, float]:
    """Logistic regression by gradient descent (numpy; a few hundred rows). Returns WEIGHTS-shaped dict."""
    import numpy as np

    X = np.array([[r[f] for f in FEATURES] for r in rows], dtype=float)
    y = np.array(labels, dtype=float)
    X1 = np.hstack([np.ones((len(X), 1)), X])
    w = np.zeros(X1.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(X1 @ w, -60, 60)))
        grad = X1.T @ (p - y) / len(y)
        grad[1:] += l2 * w[1:]
        w -= lr * grad
    return {"bias": float(w[0]), **{f: float(v) for f, v in zip(FEATURES, w[1:])}}
