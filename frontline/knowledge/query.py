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
3. `colloquial_terms()` adds the words help centers write for everyday phrasings (COLLOQUIAL_TERMS:
   "sent it back" → return, "keeps getting rejected" → declined, "hacked" → unauthorized,
   suspicious, compromised). They go to the lexical arm (Query.expansions) and, in brackets after
   the question, to the dense arm: MiniLM puts "my card keeps getting rejected" nearer a gift-card
   balance article than "Why was my card declined?". The coverage features see the caller's own
   words only. Written from general contact-center vocabulary, then checked on the five dev help
   centers (recall@1 0.790 → 0.798 pooled, none lower; see RetrievalConfig).
4. Words the recogniser split ("de posit", "in stall ation", "a bandon") are joined when the help
   center spells them as one word: `split_word_candidates` lists runs of 2-3 plain words and
   `choose_joins` keeps those whose joined word the namespace indexes at least twice as often as
   any piece (retrieval.py looks the counts up in the namespace's lexeme statistics). No table to
   keep: each help center's own vocabulary decides, so "a count" becomes account and "for me"
   or "a way" stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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

# Everyday phrasings → the words help centers write for the same thing. Written from general
# contact-center vocabulary (retail, SaaS, telecom, banking), not from any eval row; a phrase with a
# common second meaning is left out ("on hold" is also the caller's wait, "frozen" a frozen card,
# "security code" the card's CVV). They reach both arms (see build_query); the lexical arm drops a
# word the namespace never uses, and the coverage features see the caller's own words only.
COLLOQUIAL_TERMS: list[tuple[str, tuple[str, ...]]] = [
    (r"\b(?:send|sending|sent|ship|shipping|mail|mailing|take|taking)\b(?: \w+){0,3} back\b", ("return",)),
    (r"\bmoney back\b|\breimburs", ("refund",)),
    (r"\b(?:rejected|rejecting|bounced|bouncing|denied|won'?t go through|wo not go through|"
     r"didn'?t go through|did not go through|not going through|doesn'?t go through|does not go through)\b",
     ("declined",)),
    (r"\b(?:hacked|hack|hacker|hackers|broke into|got into my|someone logged into|somebody logged into)\b",
     ("unauthorized", "suspicious", "compromised")),
    (r"\b(?:smashed|shattered|cracked|busted|dented|snapped|chipped)\b", ("damaged",)),
    (r"\bwhere(?:'s| is| are)\b(?: \w+){0,2} (?:package|parcel|order|delivery|shipment|stuff)\b", ("track",)),
    (r"\b(?:charged|billed) (?:me )?(?:twice|two times|double)\b|\bdouble[\s-](?:charged|billed)\b",
     ("duplicate",)),
    (r"\b(?:pay|paying) (?:it |for it |this )?(?:over time|monthly|in (?:parts|chunks|pieces))\b|"
     r"\bspread (?:out )?(?:the )?(?:cost|payments?)\b|\bsplit (?:it|the cost|the payment|the bill) "
     r"(?:up )?(?:into|over) (?:\w+ )?(?:payments|months|installments)\b",
     ("installments", "financing")),
    (r"\blocked out\b|\b(?:can'?t|cannot|can not|unable to) (?:log|sign|get) (?:in|into|on)\b|"
     r"\bwon'?t let me (?:log|sign) in\b", ("login", "locked")),
    (r"\b(?:forgot|forgotten|don'?t remember|can'?t remember) (?:my |the )?password\b", ("reset",)),
    (r"\bunsubscribe\b|\bstop (?:sending|getting|receiving)\b|\b(?:too many|so many) (?:emails|texts|notifications)\b",
     ("unsubscribe", "preferences")),
    (r"\b(?:promo|discount|coupon|voucher) codes?\b", ("promo", "coupon", "discount")),
    (r"\b(?:never|didn'?t|did not|hasn'?t|has not|haven'?t|have not) (?:arrived|arrive|showed up|show up|came|come)\b|"
     r"\bnever got (?:it|my|the)\b", ("missing", "lost")),
    (r"\b(?:doesn'?t|does not|don'?t|do not|didn'?t|did not) fit\b|\bwrong size\b|\b(?:too (?:small|big|tight)|a size (?:smaller|bigger|up|down))\b",
     ("exchange", "size")),
    (r"\b(?:lower price|better price|price (?:dropped|went down)|on sale (?:now|the next))\b", ("price",)),
    (r"\b(?:new address|change (?:my |the )?address)\b", ("address",)),
    (r"\b(?:don'?t|do not) recogni[sz]e\b|\bnever (?:made|bought|ordered|authori[sz]ed)\b",
     ("unrecognized", "unauthorized")),
    (r"\b(?:verification|login|one[\s-]time) codes?\b|\bcode (?:by|in a|over) text\b", ("verification", "two-factor")),
    (r"\b(?:keeps? spinning|loading forever|won'?t load|doesn'?t load|takes forever|so slow|really slow|laggy|lagging)\b",
     ("slow", "loading")),
    (r"\b(?:crashes|crashing|crashed|keeps freezing|freezes up|froze up)\b", ("crash",)),
    (r"\b(?:delete|close|shut down|get rid of) (?:my |our |the )?account\b", ("close", "delete")),
    (r"\b(?:a hold|pending)\b", ("pending", "authorization")),
    (r"\b(?:points|perks|loyalty|member(?:ship)? (?:thing|program|card))\b", ("rewards", "loyalty")),
]
_COLLOQUIAL = [(re.compile(p), terms) for p, terms in COLLOQUIAL_TERMS]

_WORD_RE = re.compile(r"[a-z0-9][a-z0-9'\-]*")


@dataclass(frozen=True)
class Query:
    raw: str
    text: str  # normalised text for the dense arm (the expansions in brackets at its end)
    terms: tuple[str, ...]  # content words for the lexical arm (OR-ed)
    expansions: tuple[str, ...] = ()  # help-center words for the caller's everyday phrasing (both arms)

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


def colloquial_terms(text: str, exclude: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The help-center words for everyday phrasings in `text` (COLLOQUIAL_TERMS), minus `exclude`."""
    out: list[str] = []
    t = text.lower()
    for rx, terms in _COLLOQUIAL:
        if rx.search(t):
            out += [w for w in terms if w not in out and w not in exclude]
    return tuple(out)


_ALPHA_RE = re.compile(r"[a-z]+")
_TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)*|[^a-z0-9\s]+")  # "i'm" is one token, never "m"


def split_word_candidates(text: str, max_parts: int = 3) -> dict[tuple[str, ...], str]:
    """Runs of 2-3 adjacent plain words in `text` that would spell one word joined ("de posit",
    "on line", "re con nect"), mapped to that word (5+ letters). Whether a run really is one word
    split by speech-to-text depends on the help center's vocabulary: see `choose_joins`."""
    words = _TOKEN_RE.findall(text.lower())  # punctuation and digits break a run
    out: dict[tuple[str, ...], str] = {}
    for i in range(len(words)):
        for n in range(2, max_parts + 1):
            run = tuple(words[i:i + n])
            if len(run) < n or not all(_ALPHA_RE.fullmatch(w) for w in run):
                break
            joined = "".join(run)
            if len(joined) >= 5:
                out[run] = joined
    return out


def choose_joins(candidates: dict[tuple[str, ...], str], ndoc: Callable[[str], int],
                 is_stop_word: Callable[[str], bool], max_ndoc: float, min_ratio: float = 2.0,
                 ) -> dict[tuple[str, ...], str]:
    """The runs to join: the joined word is in the help center (`ndoc`: how many chunks contain
    a word, 0 for stop words and unknown words) and at least `min_ratio` times as common there as
    any of its pieces ("de posit" → deposit, "a count" → account; not "a way" → away, where "way"
    is the commoner word, nor "be low" → below next to a help center's many "low"s). Never a run
    of stop words only ("for me" stems like "form"), nor a word in more than `max_ndoc` chunks (the
    company's own name, "or bit": it tells the articles apart no better than nothing).
    `join_words` writes the longest runs first, so "re con nect" becomes reconnect."""
    chosen: dict[tuple[str, ...], str] = {}
    for run, joined in candidates.items():
        if all(is_stop_word(w) for w in run):
            continue
        n = ndoc(joined)
        if 2 <= n <= max_ndoc and n >= min_ratio * max(ndoc(w) for w in run):
            chosen[run] = joined
    return chosen


def join_words(text: str, joins: dict[tuple[str, ...], str]) -> str:
    """`text` with each chosen run written as one word (longest runs first)."""
    for run in sorted(joins, key=len, reverse=True):
        text = re.sub(r"\b" + r"\s+".join(map(re.escape, run)) + r"\b", joins[run], text)
    return text


def build_query(raw: str, *, colloquial: bool = True, joins: dict[tuple[str, ...], str] | None = None) -> Query:
    text = normalize(raw)
    if joins:  # words the recogniser split in two, as the help center spells them
        text = join_words(text, joins)
    terms = lexical_terms(text)
    expansions = colloquial_terms(text, terms) if colloquial else ()
    if expansions:  # the dense arm reads them too: "keeps getting rejected (declined)"
        text = f"{text} ({' '.join(expansions)})"
    return Query(raw=raw, text=text, terms=terms, expansions=expansions)
