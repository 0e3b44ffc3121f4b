"""What a fetch from Instagram yields, as plain frozen data that can never trigger a request.

``FetchedReel`` is built from core.domain.reel_fields: one attribute per fetched field, in the registry's order,
lists as tuples (the reel is frozen). Always-known fields are required; a field that may be unknown defaults
to None only for the per-reel context, so a fetch that forgets a count fails loudly.
"""

from __future__ import annotations

from dataclasses import dataclass, field, make_dataclass
from datetime import datetime

from core.domain.reel_fields import REEL_FIELDS, ReelField


@dataclass(frozen=True)
class FetchedProfile:
    user_id: str
    username: str
    full_name: str | None
    biography: str | None
    followers: int | None
    following: int | None
    media_count: int | None
    is_private: bool
    is_verified: bool | None
    profile_pic_url: str | None


_PYTHON_TYPES = {"text": str, "integer": int, "number": float, "boolean": bool, "datetime": datetime,
                 "list": tuple[str, ...]}


def _attribute(reel_field: ReelField) -> tuple:
    kind = _PYTHON_TYPES[reel_field.kind]
    if reel_field.required:
        return (reel_field.name, kind)
    if reel_field.context:
        return (reel_field.name, kind | None, field(default=None))
    return (reel_field.name, kind | None)


_FETCHED = [f for f in REEL_FIELDS if f.fetched]
# dataclasses need the attributes without a default first; the registry's order is kept otherwise.
FetchedReel = make_dataclass(
    "FetchedReel",
    [_attribute(f) for f in _FETCHED if not f.context] + [_attribute(f) for f in _FETCHED if f.context],
    frozen=True)
FetchedReel.__module__ = __name__  # make_dataclass's module= needs Python 3.12; pickling looks the class up here
FetchedReel.__doc__ = "One video post as fetched: the fetched fields of core.domain.reel_fields.REEL_FIELDS."
