"""Plotly figures of a profile's growth across snapshots (core.analytics.growth frames in, go.Figure out)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.charts import ACCENT_COLOR, PROFILE_COLORS, TREND_COLOR, empty_figure

NEEDS_TWO = "Growth needs two snapshots: the watch's next run adds the second"
NO_PLAYS = ("No plays to compare: Instagram withheld play and view counts from these snapshots (anonymous access), "
            "so plays gained per reel cannot be shown")
NONE_GAINED = "No reel gained plays between these snapshots, so there is no plays-gained chart to draw"
LABEL_CHARS = 28


def _numbers(series: pd.Series) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in series]


def _whole_number_axis(values: list[float | None]) -> dict:
    """Axis settings for counts: thousands separators, and never a tick between two whole numbers (a small range
    would otherwise read "184,299.5")."""
    known = [v for v in values if v is not None]
    axis: dict = {"tickformat": ",d"}
    if known and max(known) - min(known) < 6:
        axis.update(tick0=0, dtick=1, range=[min(known) - 3, max(known) + 3])
    return axis


def followers_over_time(growth: pd.DataFrame) -> go.Figure:
    """Followers at every snapshot (unknown counts are gaps)."""
    if growth.empty:
        return empty_figure("No completed snapshot yet")
    followers = _numbers(growth["followers"])
    figure = go.Figure(go.Scatter(x=list(growth["snapshot_at"]), y=followers,
                                  mode="lines+markers", name="followers", line={"color": ACCENT_COLOR},
                                  hovertemplate="%{x|%Y-%m-%d %H:%M} UTC<br>%{y:,} followers<extra></extra>"))
    figure.update_layout(title={"text": "Followers per snapshot"}, margin={"l": 40, "r": 20, "t": 60, "b": 40},
                         yaxis={"title": {"text": "followers"}, **_whole_number_axis(followers)}, height=340)
    return figure


def reel_label(caption: object, posted_at: object) -> str:
    """A reel as a reader recognises it: its posting day and the start of its caption (not its shortcode)."""
    day = pd.Timestamp(posted_at).strftime("%b %d") if pd.notna(posted_at) else "undated"
    text = " ".join(str(caption).split()) if isinstance(caption, str) and caption.strip() else "(no caption)"
    return f"{day} · {text[:LABEL_CHARS].rstrip()}{'…' if len(text) > LABEL_CHARS else ''}"


def plays_gained_note(history: pd.DataFrame, snapshots: int) -> str | None:
    """Why there is no plays-gained chart (None when there is one to draw)."""
    if snapshots < 2:
        return NEEDS_TWO
    if history["plays"].isna().all():
        return NO_PLAYS
    gained = history["plays_gained"].dropna()
    if gained.empty:
        return "No reel appears in two snapshots with its plays known"
    if not (gained > 0).any():
        return NONE_GAINED
    return None


def median_plays_and_engagement(growth: pd.DataFrame) -> go.Figure:
    """Median plays (left axis) and median engagement rate (right axis, percent of followers) per snapshot."""
    if growth.empty:
        return empty_figure("No completed snapshot yet")
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    figure.add_trace(go.Scatter(x=list(growth["snapshot_at"]), y=_numbers(growth["median_plays"]),
                                mode="lines+markers", name="median plays", line={"color": ACCENT_COLOR},
                                hovertemplate="%{x|%Y-%m-%d %H:%M} UTC<br>median %{y:,.0f} plays<extra></extra>"),
                     secondary_y=False)
    figure.add_trace(go.Scatter(x=list(growth["snapshot_at"]), y=_numbers(growth["median_engagement_rate"]),
                                mode="lines+markers", name="median engagement rate (%)",
                                line={"color": TREND_COLOR, "dash": "dot"},
                                hovertemplate="%{x|%Y-%m-%d %H:%M} UTC<br>%{y:.2f}% of followers<extra></extra>"),
                     secondary_y=True)
    figure.update_layout(title={"text": "Median plays and engagement rate per snapshot"}, height=340,
                         margin={"l": 40, "r": 40, "t": 60, "b": 40}, legend={"orientation": "h", "y": -0.2})
    figure.update_yaxes(title_text="median plays", tickformat=",", secondary_y=False)
    figure.update_yaxes(title_text="engagement rate (%)", secondary_y=True)
    return figure


def reel_plays_gained(history: pd.DataFrame, top: int = 8) -> go.Figure:
    """Plays of the reels that gained most since the previous snapshot, one line per reel over every snapshot,
    named by posting day and caption (only reels that gained: a flat line says nothing)."""
    gained = history.dropna(subset=["plays_gained"])
    totals = gained.groupby("media_id")["plays_gained"].sum().sort_values(ascending=False)
    totals = totals[totals > 0]
    if totals.empty:
        return empty_figure(NONE_GAINED if len(gained) else NEEDS_TWO)
    figure = go.Figure()
    for i, media_id in enumerate(totals.index[:top]):
        rows = history[history["media_id"] == media_id]
        figure.add_trace(go.Scatter(
            x=list(rows["snapshot_at"]), y=_numbers(rows["plays"]), mode="lines+markers",
            name=reel_label(rows["caption"].iloc[-1], rows["posted_at"].iloc[-1]),
            line={"color": PROFILE_COLORS[i % len(PROFILE_COLORS)]},
            customdata=[[url] for url in rows["url"]],
            hovertemplate="%{fullData.name}<br>%{x|%Y-%m-%d %H:%M} UTC<br>%{y:,} plays<extra></extra>"))
    figure.update_layout(title={"text": f"Plays of the {min(top, len(totals))} reels that gained most"}, height=380,
                         margin={"l": 40, "r": 20, "t": 60, "b": 40}, legend={"title": {"text": "reel (posted)"}},
                         yaxis={"title": {"text": "plays"}, "tickformat": ","})
    return figure
