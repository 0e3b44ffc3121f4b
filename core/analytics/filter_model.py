"""The Results page filters as JSON (``ReelFilters.to_dict()``), validated: the one model for every JSON way in
(``export --filters``, export-job bodies). Unknown keys and wrong types are refused, never ignored."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.analytics.filters import ReelFilters
from core.analytics.metrics import PLAYS_TIERS

MAX_TEXT = 200


class ReelFiltersIn(BaseModel):
    """Every key optional; omitted or null keeps everything."""

    model_config = ConfigDict(extra="forbid", strict=True)

    date_from: date | None = Field(default=None, description="Posted on or after this UTC date (YYYY-MM-DD).")
    date_to: date | None = Field(default=None, description="Posted on or before this UTC date (YYYY-MM-DD).")
    tiers: list[Literal[PLAYS_TIERS]] = Field(default_factory=list,  # type: ignore[valid-type]
                                              description="Plays tiers to keep: " + ", ".join(PLAYS_TIERS) + ".")
    min_plays: int | None = Field(default=None, ge=0, description="Only reels with at least this many plays.")
    hashtag: str | None = Field(default=None, max_length=MAX_TEXT, description="Only reels using this hashtag.")
    caption_search: str | None = Field(default=None, max_length=MAX_TEXT, description="Text in the caption.")
    sponsored: bool | None = Field(default=None, description="true: sponsored reels only; false: organic only.")
    collab: bool | None = Field(default=None, description="true: reels with collaborators only; false: solo only.")
    audio_type: Literal["original", "licensed"] | None = Field(default=None, description="Audio type.")
    location: str | None = Field(default=None, max_length=MAX_TEXT, description="Text in the tagged place's name.")

    def to_filters(self) -> ReelFilters:
        return ReelFilters(date_from=self.date_from, date_to=self.date_to, tiers=tuple(self.tiers),
                           min_plays=self.min_plays, hashtag=self.hashtag or None,
                           caption_search=self.caption_search or None, sponsored=self.sponsored, collab=self.collab,
                           audio_type=self.audio_type, location=self.location or None)


class InvalidFilters(ValueError):
    """Filters JSON that is not an object of the known keys with the right types (one line, naming each problem)."""


FILTER_KEYS = tuple(ReelFiltersIn.model_fields)


def parse_filters_json(text: str) -> ReelFilters:
    """``ReelFilters`` from a JSON object of FILTER_KEYS; InvalidFilters (one line) for anything else."""
    try:
        model = ReelFiltersIn.model_validate_json(text)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False, include_input=False)[:5]:
            where = ".".join(str(part) for part in error["loc"]) or "filters"
            message = "unknown key (use " + ", ".join(FILTER_KEYS) + ")" if error["type"] == "extra_forbidden" \
                else error["msg"]
            problems.append(f"{where}: {message}")
        raise InvalidFilters("invalid --filters: " + "; ".join(problems)) from None
    except (RecursionError, ValueError) as exc:
        raise InvalidFilters(f"invalid --filters: not a JSON object ({type(exc).__name__})") from None
    return model.to_filters()
