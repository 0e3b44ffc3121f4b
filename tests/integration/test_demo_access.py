"""Demo mode shows both ways of reaching Instagram: the built-in demo session (plays) and anonymous (none)."""

from __future__ import annotations

import os

from core.instagram.demo import demo_logged_in, set_demo_logged_in, start_demo, stop_demo
from core.jobs.submission import create_analyses, wait_for
from core.settings import load_settings


def test_demo_mode_starts_logged_in_with_plays_and_switches_to_anonymous_without(store_env):
    user_session_file = os.environ["REELSCOPE_SESSION_FILE"]
    start_demo()
    try:
        assert demo_logged_in()
        assert str(load_settings().session_file) != user_session_file  # the user's own session is untouched
        assert os.environ["REELSCOPE_SESSION_FILE"] == user_session_file  # an override, not an environment edit
        [logged_in] = wait_for(create_analyses(["few_posts"]), timeout=60)
        set_demo_logged_in(False)
        assert not demo_logged_in()
        [anonymous] = wait_for(create_analyses(["few_posts"]), timeout=60)
    finally:
        stop_demo()
    assert str(load_settings().session_file) == user_session_file
    assert (logged_in.status, logged_in.access, logged_in.withheld_fields) == \
        ("completed", "logged in as @demo_viewer", ())
    assert (anonymous.status, anonymous.access, anonymous.withheld_fields) == \
        ("completed", "anonymous", ("plays", "views"))
