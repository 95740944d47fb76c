"""Which language the caller is speaking, judged from the transcript text.

Why text and not the STT's own language tag: the bundled STT is English-only Whisper (tiny.en),
which always says "en" and *transliterates* other languages into Latin-script pseudo-English
("ola necesito ayuda con mi factura"). So we combine two weak signals:

  * `langid` (pure Python, bundled model), restricted to the languages a contact center in the
    Americas/Europe hears, scored with normalized probabilities;
  * a Spanish function-word ratio: the share of tokens that are very common Spanish words
    (de, la, que, el, en, y, necesito, quiero, ...). Spanish transliterated by an English model keeps
    these short words intact, and English sentences almost never contain them.

The decision is conservative for English: short utterances ("yes", "okay", "no") stay English
unless the function-word signal is strong, so a supported-language caller is never bounced by a
one-word misdetection.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

_CANDIDATES = ["en", "es", "fr", "de", "pt", "it", "nl"]

_SPANISH = frozenset("""
de la que el en y a los se del las un por con no una su para es al lo como más mas pero sus le ya o
este esta sí si porque muy sin sobre también me hasta hay donde quien desde todo nos durante
todos uno les ni contra otros ese eso ante ellos e esto mí antes algunos qué unos yo otro otras
otra él tanto esa estos mucho quienes nada muchos cual poco ella estar estas algunas algo
nosotros mi mis tú te ti tu tus ellas nosotras vosotros os mío mía tuyo suyo nuestro
hola ola buenos buenas días dias tardes noches gracias por favor necesito quiero quisiera puedo
puede ayuda ayudar hablar habla hablo español espanol cuenta factura pago tarjeta cómo como
cuándo cuando dónde estoy tengo tiene problema señor senor señora senora persona agente contraseña
""".split())

_ENGLISH = frozenset("""
the a an and or to of in on for with is are was were be been i you he she it we they my your our
this that these those what how why when where who can could would should will do does did not no
yes please hi hello hey thanks thank help need want account password bill invoice card have has
""".split())

# Words in both lists (e.g. "a", "no") count for neither when scoring the ratio.
_AMBIGUOUS = _SPANISH & _ENGLISH

_WORD = re.compile(r"[a-záéíóúñü']+")


@dataclass(frozen=True)
class LanguageGuess:
    language: str  # ISO 639-1
    confidence: float  # 0..1
    why: str


_identifier = None
_lock = threading.Lock()


def _langid():
    """The langid model (loads in ~2 s; once per process). Call from a worker thread."""
    global _identifier
    with _lock:
        if _identifier is None:
            from langid.langid import LanguageIdentifier, model

            ident = LanguageIdentifier.from_modelstring(model, norm_probs=True)
            ident.set_languages(_CANDIDATES)
            _identifier = ident
    return _identifier


def warm_up() -> None:
    """Load the langid model now (so the first caller turn does not pay for it)."""
    _langid()


def function_word_ratios(text: str) -> tuple[float, float, int]:
    """(Spanish ratio, English ratio, token count) over the words of `text`."""
    words = _WORD.findall(text.lower())
    if not words:
        return 0.0, 0.0, 0
    es = sum(1 for w in words if w in _SPANISH and w not in _AMBIGUOUS)
    en = sum(1 for w in words if w in _ENGLISH and w not in _AMBIGUOUS)
    return es / len(words), en / len(words), len(words)


def detect_language(text: str) -> LanguageGuess:
    """Best guess at the caller's language. Blocking (langid); run it in a thread."""
    es_ratio, en_ratio, n = function_word_ratios(text)
    if n == 0:
        return LanguageGuess("en", 0.0, "no words")
    lang, prob = _langid().classify(text.lower())
    # Strong Spanish function-word evidence wins on its own (typical of transliterated Spanish).
    if es_ratio >= 0.34 and en_ratio < 0.2 and n >= 2:
        return LanguageGuess("es", max(prob if lang == "es" else 0.0, 0.8),
                             f"spanish function words {es_ratio:.2f}")
    if lang == "es" and prob >= 0.9 and es_ratio >= 0.2 and en_ratio < 0.25 and n >= 3:
        return LanguageGuess("es", prob, f"langid es {prob:.2f}, spanish words {es_ratio:.2f}")
    # (five words at least: four English keywords can look like another language, "create email address
    # domain" → pt 0.97)
    if lang not in ("en", "es") and prob >= 0.97 and n >= 5 and en_ratio < 0.15:
        return LanguageGuess(lang, prob, f"langid {lang} {prob:.2f}, english words {en_ratio:.2f}")
    return LanguageGuess("en", prob if lang == "en" else 1 - prob, f"langid {lang} {prob:.2f}; default english")
