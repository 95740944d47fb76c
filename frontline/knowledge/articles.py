"""Reading help-center sources into articles: Markdown (+ YAML front matter), HTML, JSONL.

A source file either yields all its articles or fails as a whole with a `SourceError` naming the
file and the reason (unreadable, not UTF-8, empty, bad front matter, bad JSONL line), so ingest
never writes half a file. Article ids are kept verbatim (capitals and underscores are meaningful):
front-matter `id`, else the JSONL `id`, else the file stem.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}

# Article language → PostgreSQL text-search configuration (anything else falls back to 'simple').
TS_CONFIGS = {
    "en": "english", "es": "spanish", "fr": "french", "de": "german", "it": "italian",
    "pt": "portuguese", "nl": "dutch", "sv": "swedish", "da": "danish", "no": "norwegian",
    "nb": "norwegian", "fi": "finnish", "ru": "russian", "tr": "turkish", "ro": "romanian",
    "hu": "hungarian", "id": "indonesian", "ga": "irish", "el": "greek", "ar": "arabic",
    "hi": "hindi", "lt": "lithuanian", "ne": "nepali", "ta": "tamil", "ca": "catalan", "eu": "basque",
}


def ts_config_for(language: str | None) -> str:
    if not language:
        return "english"
    lang = language.lower().replace("_", "-").split("-")[0]
    if lang in TS_CONFIGS.values():
        return lang
    return TS_CONFIGS.get(lang, "simple")


class SourceError(ValueError):
    """A source file that cannot be ingested; str() names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass
class Article:
    id: str
    title: str
    body: str  # Markdown-ish text; '## ' lines start sections
    source: str  # file it came from, relative to the ingest root
    url: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str = "en"

    def content_hash(self, salt: str = "") -> str:
        """Hash of everything that reaches the index; `salt` carries chunker + model versions."""
        payload = json.dumps(
            [self.id, self.title, self.body, self.url, sorted(self.tags), self.language, salt],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def find_sources(root: Path) -> list[Path]:
    """Supported files under root (or root itself), sorted for a deterministic order."""
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(root).parts))


def _read_text(path: Path, label: str) -> str:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise SourceError(label, f"unreadable ({e.strerror or e})") from e
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SourceError(label, f"not valid UTF-8 text (byte {e.start})") from e
    if not text.strip():
        raise SourceError(label, "empty file")
    return text


def _clean_id(value: object, label: str) -> str:
    if not isinstance(value, (str, int)) or not str(value).strip():
        raise SourceError(label, f"bad article id {value!r}")
    return str(value).strip()


def _tags(value: object, label: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [t.strip() for t in value.split(",") if t.strip()]
    if isinstance(value, list) and all(isinstance(t, (str, int)) for t in value):
        return [str(t) for t in value]
    raise SourceError(label, f"bad front matter: tags must be a list of strings, got {value!r}")


def _split_title(body: str) -> tuple[str | None, str]:
    """Take a leading '# Title' line off the body (it becomes the title when none is given)."""
    lines = body.lstrip("\n").splitlines()
    if lines and re.match(r"^#\s+\S", lines[0]):
        return lines[0].lstrip("#").strip(), "\n".join(lines[1:]).strip()
    return None, body.strip()


def parse_markdown(path: Path, label: str) -> list[Article]:
    import frontmatter
    import yaml

    text = _read_text(path, label)
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as e:
        raise SourceError(label, f"bad front matter: {str(e).splitlines()[0]}") from e
    except Exception as e:  # frontmatter raises assorted errors for broken headers
        raise SourceError(label, f"bad front matter: {e}") from e
    meta = post.metadata
    if not isinstance(meta, dict):
        raise SourceError(label, "bad front matter: it must be a YAML mapping")
    h1, body = _split_title(post.content)
    if not body.strip():
        raise SourceError(label, "empty article (no body text)")
    title = meta.get("title") or h1 or path.stem.replace("_", " ").replace("-", " ")
    if not isinstance(title, str):
        raise SourceError(label, f"bad front matter: title must be text, got {title!r}")
    url = meta.get("url")
    if url is not None and not isinstance(url, str):
        raise SourceError(label, f"bad front matter: url must be text, got {url!r}")
    lang = meta.get("language") or meta.get("lang") or "en"
    if not isinstance(lang, str):
        raise SourceError(label, f"bad front matter: language must be text, got {lang!r}")
    return [Article(
        id=_clean_id(meta.get("id", path.stem), label), title=title.strip(), body=body, source=label,
        url=url, tags=_tags(meta.get("tags"), label), language=lang.lower(),
    )]


_BLOCKS = ("p", "li", "td", "th", "pre", "blockquote", "dt", "dd")


def parse_html(path: Path, label: str) -> list[Article]:
    """Readable text from an HTML page: <h2>/<h3> become '## ' sections, boilerplate dropped."""
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    text = _read_text(path, label)
    tree = HTMLParser(text)
    for sel in ("script", "style", "nav", "header", "footer", "aside", "noscript", "form", "svg"):
        for node in tree.css(sel):
            node.decompose()
    root = tree.css_first("article") or tree.css_first("main") or tree.body
    if root is None:
        raise SourceError(label, "empty HTML document (no body)")
    h1 = root.css_first("h1")
    head_title = tree.css_first("title")
    title = (h1.text(strip=True) if h1 else "") or (head_title.text(strip=True) if head_title else "")
    lines: list[str] = []
    for node in root.traverse(include_text=False):
        tag = node.tag
        if tag in ("h2", "h3", "h4"):
            t = node.text(separator=" ", strip=True)
            if t:
                lines.append(f"\n## {t}\n")
        elif tag in _BLOCKS:
            # skip blocks nested in another block we already take (li > p etc.)
            parent, nested = node.parent, False
            while parent is not None and parent is not root:
                if parent.tag in _BLOCKS:
                    nested = True
                    break
                parent = parent.parent
            if nested:
                continue
            t = re.sub(r"\s+([.,;:!?)])", r"\1", re.sub(r"\s+", " ", node.text(separator=" ", strip=True)))
            if t:
                lines.append(f"- {t}" if tag == "li" else t)
    body = "\n".join(lines).strip()
    if not body:
        raise SourceError(label, "no readable text in HTML")
    meta_lang = tree.css_first("html")
    lang = (meta_lang.attributes.get("lang") if meta_lang else None) or "en"
    canonical = tree.css_first('link[rel="canonical"]')
    art_id = tree.css_first('meta[name="article-id"]')
    return [Article(
        id=_clean_id((art_id.attributes.get("content") if art_id else None) or path.stem, label),
        title=title or path.stem, body=body, source=label,
        url=canonical.attributes.get("href") if canonical else None, language=str(lang).lower(),
    )]


def parse_jsonl(path: Path, label: str) -> list[Article]:
    text = _read_text(path, label)
    out: list[Article] = []
    seen: set[str] = set()
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"line {n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise SourceError(label, f"{where}: not valid JSON ({e.msg})") from e
        if not isinstance(row, dict):
            raise SourceError(label, f"{where}: expected a JSON object")
        for key in ("id", "title", "body"):
            if not isinstance(row.get(key), (str, int)) or not str(row.get(key)).strip():
                raise SourceError(label, f"{where}: missing or empty {key!r}")
        art_id = _clean_id(row["id"], label)
        if art_id in seen:
            raise SourceError(label, f"{where}: duplicate id {art_id!r} within the file")
        seen.add(art_id)
        out.append(Article(
            id=art_id, title=str(row["title"]).strip(), body=str(row["body"]).strip(), source=label,
            url=row.get("url") if isinstance(row.get("url"), str) else None,
            tags=_tags(row.get("tags"), label), language=str(row.get("language") or "en").lower(),
        ))
    if not out:
        raise SourceError(label, "empty file (no JSON lines)")
    return out


def parse_source(path: Path, root: Path | None = None) -> list[Article]:
    """All the articles in one file, or a SourceError naming the file and the reason."""
    label = str(path.relative_to(root)) if root is not None and root.is_dir() else str(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind == "markdown":
        return parse_markdown(path, label)
    if kind == "html":
        return parse_html(path, label)
    if kind == "jsonl":
        return parse_jsonl(path, label)
    raise SourceError(label, f"unsupported file type {path.suffix!r} (want .md, .html or .jsonl)")
