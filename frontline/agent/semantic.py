"""Embedding-similarity intent classification: the arm of intent detection that generalises.

Why: the lexical rules in intents.py are exact and explainable but only recognise the wordings
someone thought of. Callers have endless ways to ask for a person ("somebody who works there"),
dispute a charge or try to manipulate the agent. Sentence embeddings (the same MiniLM the help
center uses, ~4 ms a query) place paraphrases close together, so a turn is compared with broad,
hand-written prototype phrases per intent (prototypes.py) and takes the intent of its nearest
prototypes. Either arm can trigger: lexical OR semantic.

Decision rule (per turn; all scores are cosine similarities):
  * s_c  = mean of the two best prototype similarities of class c (one lucky prototype is not
           enough evidence; the top-2 mean is steadier than the max);
  * n    = the same for the NEUTRAL class (how-it-works questions on the same sensitive topics and
           ordinary help questions);
  * kb   = the best help-center chunk's cosine (`top_dense` from lookup_article).
  The best non-neutral class c* fires when
        s_c* >= THRESHOLDS[family]   and   s_c* - n >= NEUTRAL_MARGIN[family]
        and  s_c* - kb >= KB_MARGIN[family]
  The KB margin is what keeps ordinary tier-1 questions from being hijacked: "how do I get a
  refund for a duplicate seat" is close to refund prototypes *and* very close to the refunds
  article, so it gets the article. Calibrated on evals/dev/decisions.jsonl only (see
  DEV_CALIBRATION); evals/test was never looked at.

The prototype matrix is embedded once per process and embedder (cached), and every embedding call
runs in a worker thread (`classify_async`), never on the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from frontline.agent import intent_model
from frontline.agent import prototypes as P
from frontline.profile import MustRefuseCategory

log = logging.getLogger("frontline.agent.semantic")

FAMILIES = ("caller_request", "must_refuse", "adversarial", "smalltalk")

# Calibrated on evals/dev/decisions.jsonl (see DEV_CALIBRATION below).
THRESHOLDS: dict[str, float] = {"caller_request": 0.45, "must_refuse": 0.55, "adversarial": 0.45,
                                "smalltalk": 0.70}
NEUTRAL_MARGIN: dict[str, float] = {"caller_request": 0.10, "must_refuse": 0.10, "adversarial": 0.10,
                                    "smalltalk": 0.15}
KB_MARGIN: dict[str, float] = {"caller_request": 0.10, "must_refuse": 0.05, "adversarial": 0.05,
                               "smalltalk": 0.15}
# The trained model's arm (intent_model.py): P(family) needed, and the best help-center cosine at
# or above which the model does not overrule retrieval. Calibrated on dev, see DEV_CALIBRATION.
MODEL_THRESHOLDS: dict[str, float] = {"caller_request": 0.6, "must_refuse": 0.6, "adversarial": 0.7}
MODEL_MAX_KB: dict[str, float] = {"caller_request": 0.6, "must_refuse": 0.6, "adversarial": 0.6}
# ... and a second tier for must-refuse: a near-certain model (P >= 0.9) overrules a help-center chunk up
# to this cosine ("close my miles account today please" sits at 0.60-0.67 to the loyalty article);
# measured on first contacts with three new help centers' sets, see DEV_CALIBRATION
MODEL_STRONG: dict[str, tuple[float, float]] = {"must_refuse": (0.9, 0.7)}
# must-refuse categories that are an action by nature (no "how does it work" reading exists)
ALWAYS_ACT = frozenset({"legal_threat"})
# ... and one that is only when it is happening now: "someone is in my account right now, what do I do"
# goes to a person, "what should I do if I think someone got into my account" gets the article (as
# in the lexical arm, whose in-progress words decide `happening_now`)
ACT_WHEN_HAPPENING = frozenset({"fraud_in_progress"})
# the trained model's P(neutral) at which a question's nearest adversarial phrase is not enough to refuse it
ADVERSARIAL_NEUTRAL_VETO = 0.9
# the trained model's P(caller_request) a question needs before the model alone hands it to a person
CALLER_REQUEST_ASKED_MIN = 0.85
DEV_CALIBRATION = """
Grid search per family over threshold x neutral margin x KB margin, semantic arm ALONE (the lexical
arm switched off), on evals/dev/decisions.jsonl: positives = rows of that category, negatives =
deflection + knowledge_seeking rows (132), cross-checked on the 351 tier-1 questions of
evals/dev/retrieval.jsonl (also dev). Chosen: the most positives with <= 2 of the 483 negatives
firing; the prototypes were written before looking at dev rows and not edited to fit them,
except three support-channel questions added to NEUTRAL ("is there a phone number ...").
  caller_request  0.45 / 0.10 / 0.10   semantic alone: 39/40 caller rows, 2/483 negatives
  must_refuse     0.55 / 0.10 / 0.05   semantic alone: 27/48 must-refuse rows, 2/483 negatives
                  (+ the inquiry veto: "how/what/why ..." framing → the article, except legal
                  threats and fraud in progress, the lexical arm's rule of thumb)
  adversarial     0.45 / 0.10 / 0.05   semantic alone: 32/45 adversarial rows, 1/483 negatives
  smalltalk       0.70 / 0.15 / 0.15   no dev row reaches it; it only catches clear paraphrases
MiniLM mostly encodes *topic*, so "refund me now" and "how do refunds work" are close; the
neutral prototypes and the KB margin carry the how-vs-act distinction, and must-refuse, the family
where that matters most, also keeps the lexical inquiry veto. Union with the lexical arm on dev:
see the eval table in the commit / report.

The trained model's arm (intent_model.py, added later): calibrated on evals/dev AND evals/dev2
(dev2/decisions.jsonl was written by a separate author for other kinds of company without seeing
the rules, so it measures generalisation; the model's training rows are neither). Grid over
P(family) threshold 0.5-0.8 x max KB cosine 0.5/0.6/none, the other arms unchanged, counting
positives caught vs tier-1 questions of dev/retrieval.jsonl (Acme) and dev2/retrieval.jsonl
(Kestrel, its own namespace) that lose their correct answer:
  lexical + prototypes only:  dev2 caller 52/60, must-refuse 58/80, adversarial 36/60
  + model 0.6 / kb < 0.5:     dev2 caller 56/60, must-refuse 75/80, adversarial 52/60;
                              dev unchanged (caller 40/40, must-refuse 47/48, adversarial 45/45);
                              correct answers lost: 5/318 Acme, 2/225 Kestrel, 1/98 dev decisions
  + model 0.5 / no kb limit:  +1-3 positives, but 18 + 15 correct answers lost — rejected.
The KB limit says: when a help-center chunk is a near-verbatim match, the caller is asking about
that article, and the model (which knows no help center) does not overrule it.

Recalibrated (2026-11-24) after a fourth company showed the limit of the above: on evals/dev5
(Orbit, a consumer money app; its help center, its questions and the new training turns were
written by three separate authors, none of whom saw the rules or the other sets), the first run
caught only 30/40 must-refuse and 27/30 adversarial rows. A fintech help center has articles on
disputes, fees, fraud and closing the account, so "you charged me a fee for ... take it off" sits
at cosine 0.5-0.6 to an article and the KB limit of 0.5 silenced the model. The model got word
n-grams next to the embedding and 1,900 more training turns (intent_model.py); then the full policy
(rules + prototypes + model) was run per row over all five dev sets, each decision set against its
own help center: 263 must-refuse, 225 adversarial and 190 caller rows, and 1,308 tier-1 questions
(deflection + knowledge-seeking) of which "handed off" counts the ones an intent wrongly took:
                                                       must-refuse  adversarial  caller  handed off
  before: embedding-only model, 0.6 / kb < 0.5             248          219        189        63
  n-grams + new rows, 0.7 / kb < 0.6                       254          221        190        51
  n-grams + new rows, 0.6 / kb < 0.6                       258          221        190        62
  must-refuse 0.6, others 0.7 / kb < 0.6                   258          221        190        56
  (a faster grid over the same rows, model threshold 0.6: raising the KB limit from 0.5 to 0.6 added
   10 must-refuse rows for 13 more hand-offs; 0.65 or no limit, 2 more rows for 3-8 more hand-offs;
   threshold 0.5 at kb < 0.6 added 1 row for 11 more hand-offs)
The new thresholds were chosen on all five sets, dev5 included, so dev5 no longer measures
generalisation after this; its first-contact figures above are the honest ones. With the rule
fixes made at the same time (intents.py: "do I need" is a question, "won't give me my money back"
is about a merchant, a closing "reverse it right now", "I deserve something", a regulator or
ombudsman as a threat, "cancel my service", a third party's history or membership, how the fraud
screening is tuned) the five sets stand at must-refuse 262/263, adversarial 225/225, caller
190/190, 51 tier-1 questions handed off (63 before) and 746 answered correctly (739).
Caller requests then went back to 0.6 (chosen: must-refuse and caller 0.6, adversarial 0.7, KB
limit 0.6): on the Whisper transcripts of the spoken dev rows (`frontline eval hear --all-voices`,
garbled by the stress voices) 0.7 lost 4 caller requests the old model had caught (dev 141 → 139/160,
dev2 212 → 210/240); 0.6 recovers 3 for 1 more tier-1 question handed off in text and 4 on the
transcripts. Those transcripts, old → new model: must-refuse 170 → 169/192 and 258 → 273/320,
adversarial 152 → 156/180 and 213 → 209/240, caller 141 → 140/160 and 212 → 212/240.

A second must-refuse tier (MODEL_STRONG, 2026-11-24): of the 20 must-refuse rows that three fresh
sets (evals/dev9 Heron, dev10 Acme, dev11 Kestrel) missed at first contact, five had a model
P(must_refuse) of 0.92-1.00 and were silenced only by the KB limit (cosine 0.60-0.67 to an
article: "close my heron miles account today please" → the loyalty article, "I don't want travel
credit, I want cash back to my card" → the travel-credit article), and one more ("I want a month
free ... for the hours on hold", P 0.996) was refused by the promise prototype instead of handed
off. Model arm alone over all eleven dev sets (669 must-refuse rows, 2,265 tier-1 questions), by
the tier added at P >= p for 0.6 <= kb < limit:
                                      must-refuse  first-contact misses  tier-1 questions taken
  KB limit 0.6 (before)                   559               4                    36
  limit 0.7 at the ordinary 0.6           601               9                    47
  limit 0.7 at P >= 0.9 (chosen)          595               9                    42
  limit 0.8 at P >= 0.95                  593               7                    38
Through the full policy the chosen tier moved two tier-1 questions of the eleven sets from a
right answer to a hand-off ("someone stole my phone last night", "I got an email about unusual
sign in attempts and now I can't log in"; 1,123 right answers of 2,225, was 1,125), and nothing
else: a must-refuse rule the lexical arm has not learnt yet now reaches a person more often.

More training turns (intent_model.py train_f, 2026-11-24): 542 turns by an author who saw no eval
file. The brief asked for the forms the lexical rules had been missing, and quoted three short
phrases seen in missed rows ("sort it out", "I'm asking nicely", "so where does that leave us"),
so the figures on those misses lean optimistic. Model arm alone, before → after:
  must-refuse rows of thirteen dev sets            683 → 724 of 781
  the 35 rows five fresh sets missed at first contact  11 → 22 (mean P 0.55 → 0.71)
  tier-1 questions the model takes                  42 → 54 of 2,329
  adversarial rows the model catches               361 → 358 of 447
Through the full policy: 2 right answers fewer (1,157 of 2,289), two adversarial rows the model
had caught fell to a clarifying question (general rules added for both: the answers to security
questions, someone else's trip by their name); must-refuse and caller rows as before.
"""


@dataclass(frozen=True)
class SemanticMatch:
    """The best intent for a turn, with the evidence (kept in the trace)."""

    family: str  # caller_request | must_refuse | adversarial | smalltalk | neutral
    kind: str  # the category / sub-type within the family
    score: float  # top-2 mean similarity to the class's prototypes
    nearest: str  # the closest prototype phrase
    neutral: float  # top-2 mean similarity to the neutral prototypes
    scores: dict[str, float] = field(default_factory=dict)  # best score per family

    model: dict[str, float] = field(default_factory=dict)  # P(family) from the trained model
    model_kind: dict[str, str] = field(default_factory=dict)  # its most likely kind per family

    def decide(self, kb_score: float = 0.0, *, inquiry: bool = False, happening_now: bool = False,
               thresholds: dict[str, float] | None = None,
               neutral_margin: dict[str, float] | None = None, kb_margin: dict[str, float] | None = None
               ) -> tuple[str, str, str] | None:
        """(family, kind, arm) when either arm recognises an intent, else None.

        arm "prototypes": the nearest-prototype rule (thresholds + neutral and KB margins);
        arm "model": the trained classifier's P(family) >= MODEL_THRESHOLDS[family] while the
        help center's best chunk is not a near-verbatim match (kb < MODEL_MAX_KB[family]).
        Must-refuse asked as a question ("how do refunds work") never fires, except the
        categories that are actions by nature (ALWAYS_ACT) or happening now (ACT_WHEN_HAPPENING)."""

        def asked_how(kind: str) -> bool:
            return inquiry and kind not in ALWAYS_ACT and not (happening_now and kind in ACT_WHEN_HAPPENING)

        if self.family != "neutral":
            th = (thresholds or THRESHOLDS)[self.family]
            nm = (neutral_margin or NEUTRAL_MARGIN)[self.family]
            km = (kb_margin or KB_MARGIN)[self.family]
            # a how-it-works question the trained model is sure is ordinary ("how does your money-back guarantee
            # work?" is nearest to "guarantee I'll get my money back"): the nearest phrase alone does not refuse it
            vetoed = (self.family == "must_refuse" and asked_how(self.kind)) or (
                self.family == "adversarial" and inquiry and self.model.get("neutral", 0.0) >= ADVERSARIAL_NEUTRAL_VETO)
            if not vetoed and self.score >= th and self.score - self.neutral >= nm and self.score - kb_score >= km:
                # "I want a month free" is nearest to "promise me a free month"; a model sure it is a
                # compensation demand sends it to a person rather than refusing it
                if self.family == "adversarial":
                    strong = self._model_fires("must_refuse", kb_score, asked_how, strong_only=True)
                    if strong is not None:
                        return strong
                return self.family, self.kind, "prototypes"
        for fam in sorted(MODEL_THRESHOLDS, key=lambda f: -self.model.get(f, 0.0)):
            hit = self._model_fires(fam, kb_score, asked_how)
            if hit is not None:
                return hit
        return None

    def _model_fires(self, fam: str, kb_score: float, asked_how, strong_only: bool = False
                     ) -> tuple[str, str, str] | None:
        p = self.model.get(fam, 0.0)
        kind = self.model_kind.get(fam, fam)
        ok = not strong_only and p >= MODEL_THRESHOLDS[fam] and kb_score < MODEL_MAX_KB[fam]
        if fam in MODEL_STRONG:
            sp, skb = MODEL_STRONG[fam]
            ok = ok or (p >= sp and kb_score < skb)
        if not ok or (fam == "must_refuse" and asked_how(kind)):
            return None
        # a question that only sounds like it wants a person ("what's the difference between a manager and
        # a supervisor", "... how do I get in"): the model alone must be near-sure (the rules catch "can I
        # talk to someone" and its kin wherever it is asked)
        if fam == "caller_request" and p < CALLER_REQUEST_ASKED_MIN and asked_how(kind):
            return None
        return fam, kind, "model"

    def fires(self, kb_score: float = 0.0, **kw) -> bool:
        return self.decide(kb_score, **kw) is not None

    def trace(self, kb_score: float | None = None) -> dict[str, object]:
        d: dict[str, object] = {"family": self.family, "kind": self.kind, "score": round(self.score, 4),
                                "neutral": round(self.neutral, 4), "nearest": self.nearest}
        if kb_score is not None:
            d["kb"] = round(kb_score, 4)
        if self.model:
            d["model"] = {f: round(v, 4) for f, v in self.model.items() if v >= 0.01}
        return d


def prototype_table(profile_categories: Sequence[MustRefuseCategory] = ()) -> list[tuple[str, str]]:
    """(label, phrase) rows: built-in prototypes plus each profile category's examples + description."""
    rows: list[tuple[str, str]] = [("caller_request:caller_request", p) for p in P.CALLER_REQUEST]
    for cat, phrases in P.MUST_REFUSE.items():
        rows += [(f"must_refuse:{cat}", p) for p in phrases]
    for pc in profile_categories:
        rows += [(f"must_refuse:{pc.name}", p) for p in pc.examples]
    for kind, phrases in P.ADVERSARIAL.items():
        rows += [(f"adversarial:{kind}", p) for p in phrases]
    for kind, phrases in P.SMALLTALK.items():
        rows += [(f"smalltalk:{kind}", p) for p in phrases]
    rows += [("neutral:neutral", p) for p in P.NEUTRAL]
    seen: set[tuple[str, str]] = set()
    return [r for r in rows if not (r in seen or seen.add(r))]


class SemanticIntents:
    """Nearest-prototype intent classifier over a fixed prototype table."""

    def __init__(self, embedder, table: list[tuple[str, str]], *, with_model: bool = True) -> None:
        self.embedder = embedder
        self.labels = [label for label, _ in table]
        self.phrases = [phrase for _, phrase in table]
        self.matrix = np.asarray(embedder.embed(self.phrases), dtype=np.float32)  # [n, dim], L2-normalised
        uniq = sorted(set(self.labels))
        self._classes = {u: np.array([i for i, lab in enumerate(self.labels) if lab == u]) for u in uniq}
        self.model: intent_model.IntentModel | None = None
        if with_model:
            try:
                self.model = intent_model.train(embedder, intent_model.training_rows(table),
                                                embedder_name=getattr(embedder, "name", type(embedder).__name__))
            except Exception as e:  # noqa: BLE001 - the prototype arm still works without the model
                log.warning("intent model unavailable (%s); prototype arm only", e)

    def classify(self, text: str) -> SemanticMatch:
        text = intent_model.model_text(text)
        vec = np.asarray(self.embedder.embed_query(text), dtype=np.float32)
        return self.classify_vector(vec, text)

    def classify_vector(self, vec: np.ndarray, text: str) -> SemanticMatch:
        """`vec` is the embedding of `text` (intent_model.model_text form)."""
        sims = self.matrix @ vec
        best_label, best_score, best_idx = "neutral:neutral", -1.0, 0
        neutral = 0.0
        per_family: dict[str, float] = {}
        for label, idx in self._classes.items():
            s = sims[idx]
            top = np.sort(s)[-2:]
            score = float(top.mean())
            fam = label.split(":", 1)[0]
            per_family[fam] = max(per_family.get(fam, -1.0), score)
            if fam == "neutral":
                neutral = score
                continue
            if score > best_score:
                best_label, best_score, best_idx = label, score, int(idx[int(np.argmax(s))])
        model: dict[str, float] = {}
        model_kind: dict[str, str] = {}
        if self.model is not None:
            model, best = self.model.family_scores(vec, text)
            model_kind = {f: k for f, (k, _) in best.items()}
        if best_score < 0:
            return SemanticMatch("neutral", "neutral", 0.0, "", neutral, per_family, model, model_kind)
        fam, kind = best_label.split(":", 1)
        return SemanticMatch(fam, kind, best_score, self.phrases[best_idx], neutral, per_family, model, model_kind)


_cache: dict[tuple[str, tuple[tuple[str, str], ...]], SemanticIntents] = {}
_cache_lock = threading.Lock()
_failed = False


def get_classifier(profile_categories: Sequence[MustRefuseCategory] = (), embedder=None) -> SemanticIntents | None:
    """The process-wide classifier for these profile categories (prototypes embedded once).

    Returns None (and the policy falls back to the lexical arm alone) when no embedder loads."""
    global _failed
    table = prototype_table(profile_categories)
    try:
        if embedder is None:
            if _failed:
                return None
            from frontline.knowledge.embeddings import get_intent_embedder

            embedder = get_intent_embedder()
    except Exception as e:  # noqa: BLE001 - the lexical arm still works without embeddings
        _failed = True
        log.warning("semantic intents disabled: %s", e)
        return None
    key = (getattr(embedder, "name", type(embedder).__name__) + f"#{id(embedder)}", tuple(table))
    with _cache_lock:
        clf = _cache.get(key)
        if clf is None:
            clf = SemanticIntents(embedder, table)
            _cache[key] = clf
        return clf


async def classify_async(text: str, profile_categories: Sequence[MustRefuseCategory] = (),
                         embedder=None) -> SemanticMatch | None:
    """Classify in a worker thread (the first call also embeds the prototypes there)."""

    def run() -> SemanticMatch | None:
        clf = get_classifier(profile_categories, embedder)
        return clf.classify(text) if clf is not None else None

    try:
        return await asyncio.to_thread(run)
    except Exception as e:  # noqa: BLE001 - never let the semantic arm break a turn
        log.warning("semantic classification failed: %s", e)
        return None


def warm_up(profile_categories: Sequence[MustRefuseCategory] = ()) -> None:
    """Embed the prototypes ahead of the first caller turn (called from a background thread)."""
    get_classifier(profile_categories)
