"""The docs are complete and fresh (as sqlite-utils' test_docs): every command, option, setting, export field and
REST endpoint is in the generated reference, the reference pages match the code, and no hand-written page restates
an option or a setting."""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
REFERENCE = DOCS / "reference"


def _load_generator():
    spec = importlib.util.spec_from_file_location("reference_docs", ROOT / "scripts" / "reference_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reference_docs = _load_generator()


def _page(name: str) -> str:
    return (REFERENCE / name).read_text(encoding="utf-8")


def _undocumented_options(page: str, commands) -> list[str]:
    missing = []
    for path, parser, _help in commands:
        section = page.split(f"\n## {path}\n", 1)
        if len(section) < 2:
            missing.append(path)
            continue
        body = section[1].split("\n## ", 1)[0]
        missing += [f"{path} {option}" for option in reference_docs.option_strings(parser) if option not in body]
    return missing


def test_the_generated_reference_pages_match_the_code():
    assert reference_docs.stale_pages() == []


def test_the_cli_reference_names_no_path_of_this_checkout():
    # argparse wraps help before the checkout's path is made portable, so a path in help would wrap differently
    # in a checkout at another depth and the page would look stale there.
    assert "<project>" not in _page("cli.md")


def test_every_command_and_option_is_in_the_cli_reference():
    commands = list(reference_docs.command_parsers())
    assert len(commands) >= 20
    assert _undocumented_options(_page("cli.md"), commands) == []


def test_an_option_missing_from_the_cli_reference_is_reported():
    parser = argparse.ArgumentParser(prog="python -m core analyze")
    parser.add_argument("--brand-new-option")
    page = "# x\n\n## analyze\n\n```text\nusage: python -m core analyze [-h]\n  -h, --help\n```\n"
    assert _undocumented_options(page, [("analyze", parser, ""), ("gone", parser, "")]) == [
        "analyze --brand-new-option", "gone"]


def test_every_setting_is_in_the_settings_reference_with_its_meaning():
    from core.settings import Settings

    page = _page("settings.md")
    rows = {re.match(r"\| `([A-Z0-9_]+)` \| ([^|]+) \|", line).group(1): line
            for line in page.splitlines() if re.match(r"\| `[A-Z0-9_]+` \|", line)}
    assert set(rows) == Settings.variable_names()
    assert "| `REELSCOPE_MAX_ATTEMPTS` |" in page and rows["REELSCOPE_MAX_ATTEMPTS"].endswith("| `4` |")
    assert all(field.description for field in Settings.model_fields.values())


def test_every_export_field_is_in_the_data_dictionary_page():
    from core.exports.fields import all_fields

    page = _page("export-fields.md")
    assert [name for name in all_fields() if f"| `{name}` |" not in page] == []
    assert {"shortcode", "plays", "engagement_rate"} <= set(all_fields())


def test_every_rest_endpoint_is_in_the_rest_reference():
    page = _page("rest-api.md")
    operations = list(reference_docs.rest_operations(reference_docs.openapi_schema()))
    assert len(operations) >= 15
    assert [f"{method} {path}" for method, path, _ in operations if f"\n## {method} {path}\n" not in page] == []


def test_the_reference_pages_hold_no_machine_paths():
    for page in REFERENCE.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        assert str(ROOT) not in text and str(Path.home()) + "/" not in text, page.name


def _handwritten_pages() -> list[Path]:
    return [ROOT / "README.md"] + [page for page in DOCS.rglob("*.md") if REFERENCE not in page.parents]


@pytest.mark.parametrize("page", _handwritten_pages(), ids=lambda page: str(page.relative_to(ROOT)))
def test_no_handwritten_page_restates_an_option_or_a_setting_in_a_table(page):
    restated = [line for line in page.read_text(encoding="utf-8").splitlines()
                if re.match(r"\|\s*`(--?[a-z]|REELSCOPE_[A-Z_]+`\s*\|[^|]*\|\s*`?[^|`]*`?\s*\|$)", line)
                and "| meaning |" not in line]
    assert restated == []


def test_the_readme_is_short_and_opens_with_the_quick_start():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150
    quick_start = lines.index("## Quick start")
    assert quick_start < 15
    blocks = re.findall(r"```bash\n(.*?)\n```", "\n".join(lines[quick_start:]), flags=re.S)
    assert blocks[:2] == ["make run", "make test"]


def test_every_image_the_readme_and_docs_show_exists():
    for page in _handwritten_pages():
        for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).is_file(), f"{page.name}: {target}"


def test_the_site_builds_strictly_and_loads_nothing_from_the_network(tmp_path):
    site = tmp_path / "site"
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                           cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert build.returncode == 0, build.stderr[-2000:]
    remote = [f"{page.name}: {match}" for page in site.rglob("*.html")
              for match in re.findall(r"<(?:script|link|img)[^>]+(?:src|href)=\"(https?://[^\"]+)", page.read_text())]
    assert remote == []
    assert (site / "reference" / "settings.html").is_file()
