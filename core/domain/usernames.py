"""Instagram username rules: parse what a user typed into normalised names, or say which rule broke."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_USERNAME_LENGTH = 30
_ALLOWED = re.compile(r"[a-z0-9._]+")
_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class RejectedUsername:
    raw: str
    reason: str

    def __str__(self) -> str:
        return f"{_preview(self.raw)}: {self.reason}"


def _preview(raw: str, limit: int = 40) -> str:
    printable = raw.encode("unicode_escape").decode("ascii")
    return repr(printable[:limit] + ("…" if len(printable) > limit else ""))


def normalise_username(raw: str) -> str:
    """Strip spaces and one leading '@', lower-case."""
    name = raw.strip()
    if name.startswith("@"):
        name = name[1:]
    return name.lower()


def username_problem(name: str) -> str | None:
    """The rule a normalised name breaks, or None when it is a valid Instagram username."""
    if not name:
        return "is empty"
    if len(name) > MAX_USERNAME_LENGTH:
        return f"is longer than {MAX_USERNAME_LENGTH} characters"
    if not _ALLOWED.fullmatch(name):
        return "may contain only letters a-z, digits, '.' and '_'"
    if name.startswith(".") or name.endswith("."):
        return "may not start or end with '.'"
    if ".." in name:
        return "may not contain '..'"
    return None


def validate_username(raw: str) -> str:
    """The normalised name, or ValueError naming the rule broken."""
    name = normalise_username(raw)
    problem = username_problem(name)
    if problem:
        raise ValueError(f"Invalid username {_preview(raw)}: it {problem}.")
    return name


def split_usernames(text: str) -> list[str]:
    """Split a free-text submission on new lines, commas, semicolons and spaces."""
    return [part for part in _SEPARATORS.split(text or "") if part]


def parse_usernames(items: list[str] | str) -> tuple[list[str], list[RejectedUsername]]:
    """Valid normalised names (deduplicated, in order) and the rejected entries with their reasons."""
    parts = split_usernames(items) if isinstance(items, str) else [p for item in items for p in split_usernames(item)]
    if not isinstance(items, str):
        # An explicitly empty entry in a list is a mistake worth reporting.
        parts = parts or ([""] if any(not str(i).strip() for i in items) else [])
    valid: list[str] = []
    rejected: list[RejectedUsername] = []
    for raw in parts:
        name = normalise_username(raw)
        problem = username_problem(name)
        if problem:
            rejected.append(RejectedUsername(raw, problem))
        elif name not in valid:
            valid.append(name)
    return valid, rejected
