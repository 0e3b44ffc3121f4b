"""Formatting and escaping for text shown in the dashboard (no Streamlit here)."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

from core.instagram.data_source import EMULATOR, INSTAGRAM, OTHER
from core.instagram.data_source import label as data_source_label
from core.instagram.transport import browser_url, web_url

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def escape_markdown(text: object) -> str:
    """Text that st.markdown shows literally: every markdown/HTML/LaTeX special character is backslash-escaped."""
    if text is None:
        return ""
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))
    # A newline followed by spaces could start a code block; keep lines as lines.
    return escaped.replace("\n", "  \n")


image_url = browser_url  # images: http(s) only, Instagram CDN URLs sent to the base URL when one is set
link_url = web_url  # link columns and buttons: http(s) only


def fmt_count(value: object) -> str:
    """1234567 → '1.2M'; None/NaN → '—'."""
    if value is None:
        return "—"
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "—"
    if math.isnan(number):
        return "—"
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(number) >= limit:
            return f"{number / limit:.1f}{suffix}"
    if number == int(number) or abs(number) >= 100:
        return f"{number:,.0f}"
    return f"{number:,.1f}" if abs(number) >= 10 else f"{number:,.2f}"


# Per-day rates (plays/day, gained/day): whole numbers from here up, one decimal below. The one rounding rule
# for every table, card and chart that shows such a rate.
RATE_WHOLE_FROM = 100


def round_rate(value: object) -> float | None:
    """846.519 → 847.0, 12.34 → 12.3 (RATE_WHOLE_FROM); None/NaN/NA → None."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if math.isnan(number):
        return None
    return float(round(number)) if abs(number) >= RATE_WHOLE_FROM else round(number, 1)


def fmt_rate(value: object) -> str:
    """846.519 → '847', 1234567.8 → '1,234,568', 12.34 → '12.3'; unknown → '—'."""
    number = round_rate(value)
    if number is None:
        return "—"
    return f"{number:,.0f}" if abs(number) >= RATE_WHOLE_FROM else f"{number:,.1f}"


def fmt_percent(value: object, digits: int = 2) -> str:
    """0.0345 → '3.45%'; None/NaN → '—'."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "—"
    return "—" if math.isnan(number) else f"{number * 100:.{digits}f}%"


def fmt_duration(seconds: float | None) -> str:
    """ETA text: '45 s', '3 min 5 s', '1 h 2 min'."""
    if seconds is None:
        return "estimating…"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def fmt_time(moment: datetime | None) -> str:
    """A UTC timestamp as 'YYYY-MM-DD HH:MM UTC'."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def fmt_ago(moment: datetime | None, now: datetime | None = None) -> str:
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = ((now or datetime.now(UTC)) - moment).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} d ago"


STATUS_COLORS = {"pending": "gray", "processing": "blue", "completed": "green", "failed": "red"}


def status_label(status: str) -> str:
    """Plain status text (for tables)."""
    return status


def status_badge(status: str) -> str:
    """A coloured markdown badge, e.g. ':green-badge[completed]'."""
    return f":{STATUS_COLORS.get(status, 'gray')}-badge[{status}]"


_DATA_SOURCE_BADGE_STYLE = {INSTAGRAM: ("blue", ":material/public:"), EMULATOR: ("orange", ":material/science:"),
                            OTHER: ("violet", ":material/dns:")}


def data_source_badge(data_source: str) -> str:
    """A coloured markdown badge naming where an analysis's data came from, e.g. ':orange-badge[… demo data …]'."""
    colour, icon = _DATA_SOURCE_BADGE_STYLE.get(data_source, ("gray", ":material/help:"))
    return f":{colour}-badge[{icon} {data_source_label(data_source)}]"
