"""The dashboard's background warm-up: once per process, and it really exercises what the first Results page uses."""

from __future__ import annotations

import logging

from ui import warm_up


def test_the_warm_up_runs_once_per_process_without_error(caplog):
    with caplog.at_level(logging.WARNING, logger="reelscope.ui"):
        thread = warm_up.start_warm_up()
        thread.join(timeout=60)
    assert not thread.is_alive()
    assert warm_up.start_warm_up() is thread  # never a second thread
    assert "warm-up failed" not in caplog.text


def test_the_warm_up_sample_has_every_documented_reel_column():
    from core.storage.queries import REEL_COLUMNS

    sample = warm_up._sample_reels()
    assert list(sample.columns) == list(REEL_COLUMNS)
    assert len(sample) == 3
