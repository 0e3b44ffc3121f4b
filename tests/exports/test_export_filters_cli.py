"""Issue 22 item 9: `export --filters` is validated by the filters model (core.analytics.filter_model): unknown keys,
wrong types and deep nesting exit 2 with one line; valid filters apply; --help lists the keys."""

from __future__ import annotations

import csv
import io
import json

import pytest

from core.analytics.filter_model import FILTER_KEYS
from core.cli.main import main
from core.jobs.submission import create_analyses, wait_for


@pytest.fixture
def analysis_id(store_env, logged_in) -> str:
    [state] = wait_for(create_analyses(["demo_food"], db=store_env), db=store_env, timeout=120)
    assert state.status == "completed"
    return state.analysis_id


@pytest.mark.parametrize(("filters", "said"), [
    ('{"tier": "viral"}', "tier: unknown key"),
    ('{"min_plays": "abc"}', "min_plays: Input should be a valid integer"),
    ("[1]", "Input should be an object"),
    ('{"hashtag": 5}', "hashtag: Input should be a valid string"),
    ('{"date_from": 5}', "date_from: Input should be a valid date"),
    ('{"tiers": ["legendary"]}', "tiers.0"),
    ('{"min_plays": true}', "min_plays"),
    ("[" * 30000 + "]" * 30000, "recursion limit"),
    ('{"a": ' * 30000 + "1" + "}" * 30000, "recursion limit"),
    ("not json", "Invalid JSON"),
])
def test_bad_filters_exit_2_with_one_line_and_export_nothing(analysis_id, capsys, filters, said):
    assert main(["export", analysis_id, "--format", "csv", "--plain", "--filters", filters]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert said in captured.err and len(captured.err.strip().splitlines()) == 1 and "Traceback" not in captured.err


def test_valid_filters_apply(analysis_id, capsys):
    assert main(["export", analysis_id, "--format", "csv", "--plain"]) == 0
    every = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    floor = sorted(int(r["plays"]) for r in every if r["plays"])[len(every) // 2]
    assert main(["export", analysis_id, "--format", "csv", "--plain", "--filters",
                 json.dumps({"min_plays": floor, "date_from": "2000-01-01"})]) == 0
    kept = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert 0 < len(kept) < len(every) and all(int(r["plays"]) >= floor for r in kept)


def test_the_help_lists_every_filter_key(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert all(key in text for key in FILTER_KEYS)
