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


def test_the_warm_up_imports_every_module_the_home_and_results_pages_import():
    import ast
    import importlib.util

    from tests.pages.conftest import MAIN

    imported = set()
    for page in (MAIN, MAIN.parent / "pages" / "1_Results.py"):
        for node in ast.walk(ast.parse(page.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("core", "ui"):
                for alias in node.names:  # `from ui import cache` imports the module ui.cache
                    name = f"{node.module}.{alias.name}"
                    imported.add(name if importlib.util.find_spec(node.module).submodule_search_locations
                                 and importlib.util.find_spec(name) else node.module)
    assert imported - set(warm_up.PAGE_MODULES) == set()


def test_the_launcher_waits_for_the_address_the_server_listens_on():
    from ui.serve import listen_address

    assert listen_address(["--server.port", "8600", "--server.address", "0.0.0.0"]) == ("127.0.0.1", 8600)
    assert listen_address(["--server.port=9000", "--server.address=10.0.0.5"]) == ("10.0.0.5", 9000)
    assert listen_address([]) == ("127.0.0.1", 8501)
    assert listen_address(["--", "--server.port", "1"]) == ("127.0.0.1", 8501)  # after --: the script's own options
