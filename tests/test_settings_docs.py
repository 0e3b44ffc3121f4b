"""Every setting is in the README's tables, and every variable there is a setting (as sqlite-utils' test_docs)."""

import re
from pathlib import Path

from core.settings import Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def documented_variables() -> set[str]:
    names: set[str] = set()
    for line in README.read_text().splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def test_every_setting_is_in_the_readme():
    assert Settings.variable_names() - documented_variables() == set()


def test_every_variable_in_the_readme_is_a_setting():
    assert documented_variables() - Settings.variable_names() == set()


def test_the_readme_gives_each_setting_default_the_code_uses():
    row = next(line for line in README.read_text().splitlines() if line.startswith("| `REELSCOPE_MAX_ATTEMPTS`"))
    assert row.rstrip(" |").endswith(f"`{Settings.model_fields['max_attempts'].default}`")
