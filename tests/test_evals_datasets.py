"""The shipped eval files point at articles that exist in the help center they are scored against."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontline.evals.dataset import load_eval
from frontline.knowledge.articles import find_sources, parse_source

ROOT = Path(__file__).resolve().parents[1]
# eval file → the help center its expected articles live in
PAIRS = [
    ("evals/dev/retrieval.jsonl", "helpcenter/acme"), ("evals/dev/decisions.jsonl", "helpcenter/acme"),
    ("evals/dev2/retrieval.jsonl", "helpcenter/kestrel"),
    ("evals/dev4/retrieval.jsonl", "helpcenter/mercato"), ("evals/dev4/decisions.jsonl", "helpcenter/mercato"),
    ("evals/dev5/retrieval.jsonl", "helpcenter/orbit"), ("evals/dev5/decisions.jsonl", "helpcenter/orbit"),
    ("evals/dev6/decisions.jsonl", "helpcenter/mercato"),
    ("evals/dev7/retrieval.jsonl", "helpcenter/tidewell"), ("evals/dev7/decisions.jsonl", "helpcenter/tidewell"),
    ("evals/dev8/retrieval.jsonl", "helpcenter/brightwater"), ("evals/dev8/decisions.jsonl", "helpcenter/brightwater"),
    ("evals/dev9/retrieval.jsonl", "helpcenter/heron"), ("evals/dev9/decisions.jsonl", "helpcenter/heron"),
    ("evals/dev10/decisions.jsonl", "helpcenter/acme"), ("evals/dev11/decisions.jsonl", "helpcenter/kestrel"),
    ("evals/dev12/decisions.jsonl", "helpcenter/orbit"), ("evals/dev13/decisions.jsonl", "helpcenter/tidewell"),
    ("evals/dev14/decisions.jsonl", "helpcenter/brightwater"), ("evals/dev15/decisions.jsonl", "helpcenter/mercato"),
    ("evals/dev16/retrieval.jsonl", "helpcenter/tallyhand"), ("evals/dev16/decisions.jsonl", "helpcenter/tallyhand"),
    ("evals/dev17/decisions.jsonl", "helpcenter/tallyhand"),
    ("evals/dev18/retrieval.jsonl", "helpcenter/munchly"), ("evals/dev18/decisions.jsonl", "helpcenter/munchly"),
    ("evals/dev19/decisions.jsonl", "helpcenter/munchly"),
    ("evals/dev20/retrieval.jsonl", "helpcenter/harborline"), ("evals/dev20/decisions.jsonl", "helpcenter/harborline"),
    ("evals/dev21/retrieval.jsonl", "helpcenter/driftway"), ("evals/dev21/decisions.jsonl", "helpcenter/driftway"),
    ("evals/dev22/decisions.jsonl", "helpcenter/harborline"), ("evals/dev23/decisions.jsonl", "helpcenter/driftway"),
    ("evals/dev24/retrieval.jsonl", "helpcenter/rosterly"), ("evals/dev24/decisions.jsonl", "helpcenter/rosterly"),
    ("evals/dev25/retrieval.jsonl", "helpcenter/clearwell"), ("evals/dev25/decisions.jsonl", "helpcenter/clearwell"),
    ("evals/dev26/decisions.jsonl", "helpcenter/rosterly"), ("evals/dev27/decisions.jsonl", "helpcenter/clearwell"),
    ("evals/test/retrieval.jsonl", "helpcenter/acme"), ("evals/test/decisions.jsonl", "helpcenter/acme"),
    ("evals/frozen/frozen.jsonl", "helpcenter/acme"),
]


def _ids(helpcenter: Path) -> set[str]:
    return {a.id for src in find_sources(helpcenter) for a in parse_source(src, helpcenter)}


@pytest.mark.parametrize(("evals", "helpcenter"), PAIRS)
def test_every_expected_article_exists(evals, helpcenter):
    rows = load_eval(ROOT / evals)
    ids = _ids(ROOT / helpcenter)
    expected = {r.expect.article for r in rows if r.expect.article}
    assert expected, evals
    assert expected <= ids, sorted(expected - ids)
    assert len({r.id for r in rows}) == len(rows)


@pytest.mark.parametrize(("evals", "helpcenter"), [("evals/dev4/retrieval.jsonl", "helpcenter/mercato"),
                                                    ("evals/dev5/retrieval.jsonl", "helpcenter/orbit"),
                                                    ("evals/dev7/retrieval.jsonl", "helpcenter/tidewell"),
                                                    ("evals/dev8/retrieval.jsonl", "helpcenter/brightwater"),
                                                    ("evals/dev9/retrieval.jsonl", "helpcenter/heron"),
                                                    ("evals/dev16/retrieval.jsonl", "helpcenter/tallyhand"),
                                                    ("evals/dev18/retrieval.jsonl", "helpcenter/munchly"),
                                                    ("evals/dev20/retrieval.jsonl", "helpcenter/harborline"),
                                                    ("evals/dev21/retrieval.jsonl", "helpcenter/driftway"),
                                                    ("evals/dev24/retrieval.jsonl", "helpcenter/rosterly"),
                                                    ("evals/dev25/retrieval.jsonl", "helpcenter/clearwell")])
def test_the_title_only_evals_cover_every_article_five_times(evals, helpcenter):
    rows = load_eval(ROOT / evals)
    ids = _ids(ROOT / helpcenter)
    assert len(ids) >= 42 and {r.expect.article for r in rows} == ids
    assert all(sum(r.expect.article == a for r in rows) == 5 for a in ids)
