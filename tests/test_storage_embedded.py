"""The embedded PostgreSQL: a test session (or any caller) can stop the server it started."""

from __future__ import annotations

from frontline.storage.db import embedded_url, stop_embedded


def test_stop_embedded_stops_the_server_this_process_started(tmp_path):
    assert embedded_url(tmp_path).startswith("postgresql://")
    pid_file = tmp_path / "pg" / "postmaster.pid"
    assert pid_file.exists()
    assert stop_embedded(tmp_path) is True
    assert not pid_file.exists()
    assert stop_embedded(tmp_path) is False  # nothing left to stop
