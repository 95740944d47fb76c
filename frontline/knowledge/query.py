"""Turning what a caller said into search queries.

Callers' questions arrive as speech-to-text transcripts: lowercase, rambling, full of fillers and
politeness ("um so yeah hi I was wondering if you could tell me…"), with the usual ASR confusions
of product words ("to factor" for two-factor, "in voice" for invoice, "sass oh" for SSO). Written
help-center search assumes none of that. So:

1. `normalize()` fixes known ASR confusions from a small table (ASR_FIXES, whole-word regexes,
   applied in order: product words, and compounds speech-to-text splits or respells, "why fi",
   "e sim", "voice mail") and strips filler / politeness phrases. The result feeds the dense arm.
2. `lexical_terms()` keeps the content words: no fillers, no generic request words ("want",
   "need", "help", "know"; not "call", which is a product word for a phone company), no single
   letters, plus spelling variants help centers use (LEXICAL_VARIANTS: Wi-Fi / WiFi). The lexical
   arm (retrieval.py) stems them with the namespace's text-search configs and ORs the lexemes, because `websearch_to_tsquery` /
   `plainto_tsquery` AND every word, and one stray word in a rambling question then matches
   nothing at all. Ranking (Σ idf · ts_rank, title weight A > heading B > body C) still favours
   chunks matching more, and rarer, words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# (pattern, replacement): whole-word, case-insensitive, applied in order on the lowercased text.
ASR_FIXES: list[tuple[str, str]] = [
    (r"\b(?:to|too|two|2)[\s-]+(?:factor|factors|fact her)\b", "two-factor"),
    (r"\b(?:to|too|two|2)[\s-]*f\.?\s?a\b\.?", "two-factor"),
    (r"\b2fa\b", "two-factor 2fa"),
    (r"\bmulti[\s-]+factor\b", "multi-factor"),
    (r"\bin[\s-]+voices\b", "invoices"),
    (r"\bin[\s-]+voice(?:d)?\b", "invoice"),
    (r"(?<!')\b(?:sass[\s-]*oh|sas[\s-]*oh|s\.?\s?s\.?\s?o\.?|ss[\s-]*oh)\b", "sso"),
    (r"\bsingle[\s-]+sign[\s-]+on\b(?! sso\b)", "single sign-on sso"),  # idempotent: normalising twice adds nothing
    (r"\b(?:sam[\s-]*el|sammel|s\s?a\s?m\s?l)\b", "saml"),
    (r"\bo[\s-]+auth\b", "oauth"),
    (r"\ba\s?p\s?i(?:'?s)?\b", "api"),
    (r"\bs\s?d\s?k\b", "sdk"),
    (r"\bv\s?p\s?n\b", "vpn"),
    (r"\bi\s?p\s+(address|addresses)\b", r"ip \1"),
    (r"\bc\s?s\s?v\b", "csv"),
    (r"\bp\s?d\s?f\b", "pdf"),
    (r"\bu\s?r\s?l\b", "url"),
    (r"\bd\s?n\s?s\b", "dns"),
    (r"\bs\s?s\s?l\b", "ssl"),
    (r"\bg\s?d\s?p\s?r\b", "gdpr"),
    (r"\bv\s?a\s?t\b", "vat"),
    (r"\bpass[\s-]+word(s?)\b", r"password\1"),
    (r"\bpass[\s-]+key(s?)\b", r"passkey\1"),
    (r"\buser[\s-]+name(s?)\b", r"username\1"),
    (r"\be[\s-]+mail(s?)\b", r"email\1"),
    (r"\bweb[\s-]+hook(s?)\b", r"webhook\1"),
    (r"\bdash[\s-]+board(s?)\b", r"dashboard\1"),
    (r"\bdata[\s-]+base(s?)\b", r"database\1"),
    (r"\bre[\s-]+fund(s|ed)?\b", r"refund\1"),
    (r"\bup[\s-]+grade(s|d)?\b", r"upgrade\1"),
    (r"\bdown[\s-]+grade(s|d)?\b", r"downgrade\1"),
    (r"\bsub[\s-]+scription(s?)\b", r"subscription\1"),
    (r"\bwork[\s-]+space(s?)\b", r"workspace\1"),
    (r"\bback[\s-]+up(s?)\b", r"backup\1"),
    (r"\bcredit[\s-]+card(s?)\b", r"credit card\1"),
    (r"\blog[\s-]+in\b", "login"),
    # consumer tech words that speech-to-text splits or respells
    (r"\b(?:wi|why|wy)[\s-]*fi\b", "wi-fi"),
    (r"\be[\s-]+sim(s?)\b", r"esim\1"),
    (r"\bvoice[\s-]+mail(s?)\b", r"voicemail\1"),
    (r"\bbroad[\s-]+band\b", "broadband"),
    (r"\bdown[\s-]+load(s|ed|ing)?\b", r"download\1"),
    (r"\bup[\s-]+load(s|ed|ing)?\b", r"upload\1"),
    (r"\blap[\s-]+top(s?)\b", r"laptop\1"),
    (r"\bsmart[\s-]+phone(s?)\b", r"smartphone\1"),
    (r"\bsign[\s-]+in\b", "sign in"),
    # money words that speech-to-text splits or hears as other words ("clothes my account")
    (r"\bdis[\s-]+put(e|es|ed|ing)?\b", r"disput\1"),
    (r"\bdisput\b", "dispute"),
    (r"\b(my|your|our) (?:a )?count(s?)\b", r"\1 account\2"),
    (r"\b(open|opened|opening|close|closed|closing) an? count\b", r"\1 an account"),
    (r"\bclothes (?=(?:my|our|the|this) (?:account|card|subscription|membership|plan)\b)", "close "),
    (r"\bcan sell (?=(?:my|our|the|this|a) (?:account|subscription|membership|plan|order|transfer|payment|"
     r"booking|reservation)\b)", "cancel "),
    (r"\broutine (number|numbers)\b", r"routing \1"),
]
_FIXES = [(re.compile(p), r) for p, r in ASR_FIXES]

# Longest first: filler and politeness phrases that carry no topic.
FILLER_PHRASES = sorted([
    "um", "umm", "uh", "uhh", "uh huh", "er", "erm", "hmm", "mm", "ah", "oh", "yeah", "yep", "yes", "ok",
    "okay", "so", "well", "like", "basically", "actually", "literally", "right", "alright", "anyway",
    "hi", "hello", "hey", "hi there", "hello there", "good morning", "good afternoon", "good evening",
    "please", "thanks", "thank you", "thank you so much", "thanks a lot", "cheers", "sorry", "excuse me",
    "you know", "i mean", "kind of", "sort of", "i guess", "i think", "i suppose",
    "i was wondering", "i was just wondering", "i'm wondering", "i am wondering", "just wondering",
    "i was hoping", "i'm calling", "i am calling", "i'm calling about", "i'm calling because",
    "i wanted to ask", "i want to ask", "i'd like to ask", "i have a question", "quick question",
    "i've got a question", "question about", "can you tell me", "could you tell me", "can you help me",
    "could you help me", "can you help", "could you help", "i need some help", "i need help", "help me",
    "i'd like to know", "i would like to know", "i want to know", "i need to know", "do you know",
    "is it possible to", "is there a way to", "is there any way to", "how do i go about",
    "if you could", "if that makes sense", "or something", "or whatever", "and stuff", "and all that",
    "let me see", "let me think", "hang on", "one sec", "just", "really", "quickly", "maybe",
], key=len, reverse=True)
_FILLER_RE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in FILLER_PHRASES) + r")\b")

# Words too generic to steer the lexical arm (the dense arm still sees them).
GENERIC_WORDS = frozenset("""
want wanted wants need needed needs know knew help helping trying try tried get got getting make made
go going gonna wanna gotta would could should can might will also able way thing things something
stuff someone somebody anything everything really still currently actually bit lot please thanks
hi hello hey yeah okay ok um uh question questions wondering wonder tell say said says
guys folks look looking see seem seems able keep kept use using used work works working
""".split())

# Spelling variants help centers use for the same word: the lexical arm ORs them all (a variant
# absent from the namespace's index is dropped there); the dense arm sees the first form only.
LEXICAL_VARIANTS: dict[str, tuple[str, ...]] = {
    "wi-fi": ("wifi",),
    "esim": ("e-sim",),
}

_WORD_RE = re.compile(r"[a-z0-9][a-z0-9'\-]*")


@dataclass(frozen=True)
class Query:
    raw: str
    text: str  # normalised text for the dense arm
    terms: tuple[str, ...]  # content words for the lexical arm (OR-ed)

    @property
    def tsquery(self) -> str:
        """A to_tsquery() expression OR-ing the content words ('' when there are none)."""
        return " | ".join(self.terms)


def fix_asr(text: str) -> str:
    t = text.lower()
    for rx, rep in _FIXES:
        t = rx.sub(rep, t)
    return t


def strip_fillers(text: str) -> str:
    t = _FILLER_RE.sub(" ", text)
    t = re.sub(r"\s+([,.?!])", r"\1", t)
    t = re.sub(r"^[\s,.?!]+", "", t)
    t = re.sub(r"[,\s]{2,}", " ", t)
    return t.strip()


def normalize(text: str) -> str:
    """ASR fixes + fillers stripped; falls back to the fixed text if nothing would remain."""
    fixed = fix_asr(text.replace("’", "'"))
    stripped = strip_fillers(fixed)
    return stripped if len(stripped) >= 3 else fixed.strip()


def lexical_terms(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for w in _WORD_RE.findall(text.lower()):
        w = w.strip("'-")
        if w.endswith("'s"):
            w = w[:-2]
        if "'" in w:  # contractions: i'm, don't, can't carry no topic
            continue
        if len(w) < 2 or w in GENERIC_WORDS:
            continue
        for v in (w, *LEXICAL_VARIANTS.get(w, ())):
            if v not in out:
                out.append(v)
    return tuple(out)


def build_query(raw: str) -> Query:
    text = normalize(raw)
    return Query(raw=raw, text=text, terms=lexical_terms(text))
