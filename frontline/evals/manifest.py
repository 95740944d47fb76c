"""The frozen eval's manifest: sha256 of each item's canonical JSON, keyed by id.

Frozen items are only ever added, never edited or removed, so release numbers stay comparable.
`check` reports every manifest item that is missing or whose content changed; items that are in
the files but not yet in the manifest are fine (they are new) and `add_new` records them.
Canonical JSON: the item's object with sorted keys, compact separators, UTF-8 (ensure_ascii off),
so whitespace or key order in the JSONL line does not matter — the content does.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

FROZEN_DIR = Path(__file__).resolve().parents[2] / "evals" / "frozen"
ALGORITHM = "sha256 of json.dumps(item, sort_keys=True, separators=(',', ':'), ensure_ascii=False) in UTF-8"


def canonical(item: dict) -> str:
    return json.dumps(item, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def item_hash(item: dict) -> str:
    return hashlib.sha256(canonical(item).encode("utf-8")).hexdigest()


def read_items(frozen_dir: Path = FROZEN_DIR) -> dict[str, dict]:
    """id → raw item over every evals/frozen/*.jsonl (duplicate ids across files are an error)."""
    items: dict[str, dict] = {}
    for f in sorted(frozen_dir.glob("*.jsonl")):
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            s = line.strip()
            if not s or s.startswith("//"):
                continue
            obj = json.loads(s)
            key = str(obj["id"])
            if key in items:
                raise ValueError(f"{f}:{n}: duplicate frozen id {key!r}")
            items[key] = obj
    return items


def build(frozen_dir: Path = FROZEN_DIR) -> dict:
    items = read_items(frozen_dir)
    return {"algorithm": ALGORITHM, "files": sorted(p.name for p in frozen_dir.glob("*.jsonl")),
            "count": len(items), "items": {k: item_hash(v) for k, v in sorted(items.items())}}


@dataclass
class ManifestCheck:
    missing: list[str] = field(default_factory=list)  # in the manifest, gone from the files
    changed: list[str] = field(default_factory=list)  # content differs from the recorded hash
    new: list[str] = field(default_factory=list)  # in the files, not yet in the manifest (allowed)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.changed


def check(manifest: dict, frozen_dir: Path = FROZEN_DIR) -> ManifestCheck:
    items = read_items(frozen_dir)
    res = ManifestCheck()
    for key, h in manifest["items"].items():
        if key not in items:
            res.missing.append(key)
        elif item_hash(items[key]) != h:
            res.changed.append(key)
    res.new = sorted(set(items) - set(manifest["items"]))
    return res


def add_new(manifest_path: Path, frozen_dir: Path = FROZEN_DIR) -> ManifestCheck:
    """Record new items; refuses (raises) when an existing item was edited or removed."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    res = check(manifest, frozen_dir)
    if not res.ok:
        raise ValueError(f"frozen items edited {res.changed} or removed {res.missing}: restore them; "
                         "frozen items are only ever added")
    fresh = build(frozen_dir)
    manifest_path.write_text(json.dumps(fresh, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return res
