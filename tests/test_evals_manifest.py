"""The frozen eval is append-only: the manifest catches any edited or removed item."""

from __future__ import annotations

import json
import shutil

from frontline.evals import manifest

MANIFEST = manifest.FROZEN_DIR / "MANIFEST.json"


def test_frozen_items_match_the_manifest():
    m = json.loads(MANIFEST.read_text(encoding="utf-8"))
    res = manifest.check(m)
    assert len(m["items"]) >= 240
    assert res.ok, (f"frozen eval items were edited {res.changed} or removed {res.missing}; frozen items are "
                    "only ever added (give changed items new ids)")


def _copy(tmp_path):
    d = tmp_path / "frozen"
    d.mkdir()
    for f in manifest.FROZEN_DIR.glob("*.jsonl"):
        shutil.copy(f, d / f.name)
    return d


def test_edit_removal_and_addition(tmp_path):
    d = _copy(tmp_path)
    m = manifest.build(d)
    f = d / "frozen.jsonl"
    lines = f.read_text(encoding="utf-8").splitlines()
    # reformatting a line (key order, spacing) is not an edit
    first = json.loads(lines[0])
    lines[0] = json.dumps(dict(reversed(list(first.items()))), indent=None, separators=(", ", ":  "))
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert manifest.check(m, d).ok
    # an edited text is caught
    edited = dict(first, text=first["text"] + " please")
    lines[0] = json.dumps(edited)
    # a removed item is caught
    removed = json.loads(lines[5])["id"]
    del lines[5]
    # an added item is fine
    lines.append(json.dumps({"id": "frz-new-1", "suite": "deflection", "category": "deflection",
                             "text": "how do I export my data", "expect": {"article": "X"}}))
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = manifest.check(m, d)
    assert res.changed == [first["id"]]
    assert res.missing == [removed]
    assert res.new == ["frz-new-1"]
    assert not res.ok
    # and add_new refuses to paper over the edit
    mp = d / "MANIFEST.json"
    mp.write_text(json.dumps(m))
    try:
        manifest.add_new(mp, d)
    except ValueError as e:
        assert "edited" in str(e)
    else:
        raise AssertionError("add_new accepted an edited frozen item")
