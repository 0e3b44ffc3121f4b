"""The UI's text helpers: escaping scraped text for markdown, and number formats."""

from __future__ import annotations

import pytest

from ui.text import escape_markdown, fmt_count, fmt_duration, image_url


@pytest.mark.parametrize("raw, expected", [
    ("plain words", "plain words"),
    ("**bold** _it_", r"\*\*bold\*\* \_it\_"),
    ("<script>alert(1)</script>", r"\<script\>alert\(1\)\</script\>"),
    ("$x^2$ = [link](http://a)", r"\$x^2\$ = \[link\]\(http\:"),
    ("# heading", r"\# heading"),
    (None, ""),
])
def test_escape_markdown_neutralises_markdown_html_and_latex(raw, expected):
    assert escape_markdown(raw).startswith(expected)


@pytest.mark.parametrize("value, text", [(None, "—"), (float("nan"), "—"), (999, "999"), (41_800, "41.8K"),
                                         (1_250_000, "1.2M"), (87.81, "87.8"), (0.9, "0.90")])
def test_fmt_count(value, text):
    assert fmt_count(value) == text


def test_fmt_duration():
    assert fmt_duration(None) == "estimating…"
    assert fmt_duration(42) == "42 s"
    assert fmt_duration(185) == "3 min 5 s"


def test_image_url_sends_instagram_cdn_urls_to_the_configured_base(monkeypatch):
    monkeypatch.setenv("INSTAGRAM_BASE_URL", "http://127.0.0.1:9")
    assert image_url("https://scontent.cdninstagram.com/v/t51/x.jpg?a=1").startswith("http://127.0.0.1:9/v/t51/x.jpg")
    assert image_url("https://example.com/x.jpg") == "https://example.com/x.jpg"
    assert image_url(None) is None
