"""Settings from the environment: an empty variable counts as unset."""

from __future__ import annotations

from pathlib import Path

from frontline.settings import Settings


def test_empty_variables_mean_unset(monkeypatch):
    monkeypatch.setenv("FRONTLINE_DATA_DIR", "")
    monkeypatch.setenv("DATABASE_URL", "")
    s = Settings()
    assert s.data_dir == Path.home() / ".local" / "share" / "frontline"  # not Path("") = the current directory
    assert s.database_url is None


def test_set_variables_are_read(monkeypatch, tmp_path):
    monkeypatch.setenv("FRONTLINE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FRONTLINE_MAX_CALLS", "3")
    s = Settings()
    assert s.data_dir == tmp_path and s.max_calls == 3
