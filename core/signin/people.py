"""Who may enter the dashboard once signed in, and with which role (REELSCOPE_ALLOWED_* and REELSCOPE_ADMIN_EMAILS).

Admins may change or remove the Instagram session, delete analyses and purge, and manage watches; analysts
(everyone else allowed in) may analyse, view, compare and export. The dashboard and the API apply the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.settings import Settings, load_settings

OPEN_DASHBOARD = "dashboard"  # requested_by of analyses started from a dashboard that runs without sign-in
CLI = "cli"  # requested_by of analyses started from the command line


class Role(StrEnum):
    ADMIN = "admin"
    ANALYST = "analyst"


@dataclass(frozen=True)
class Person:
    """Someone using ReelScope: ``name`` is recorded as ``requested_by`` (an email, a token name, or "cli")."""

    name: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


class NotAllowed(PermissionError):
    """Only an admin may do this (one sentence, shown as is)."""


def comma_list(text: str | None) -> frozenset[str]:
    """``"A@x.com, b@y.com,"`` → {"a@x.com", "b@y.com"}: lower case, blanks dropped."""
    return frozenset(item.strip().lower() for item in (text or "").split(",") if item.strip())


@dataclass(frozen=True)
class Allowlist:
    emails: frozenset[str]
    domains: frozenset[str]
    admins: frozenset[str]

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Allowlist:
        settings = settings or load_settings()
        return cls(comma_list(settings.allowed_emails), frozenset(d.lstrip("@") for d in
                                                                   comma_list(settings.allowed_domains)),
                   comma_list(settings.admin_emails))

    @property
    def is_empty(self) -> bool:
        return not (self.emails or self.domains or self.admins)

    def may_enter(self, email: str | None) -> bool:
        """An allowed address, an address of an allowed domain, or an admin. Nobody when nothing is configured:
        a sign-in provider such as Google would otherwise let in anyone with an account."""
        address = (email or "").strip().lower()
        if "@" not in address:
            return False
        return address in self.emails or address in self.admins or address.rsplit("@", 1)[1] in self.domains

    def role_of(self, email: str) -> Role:
        return Role.ADMIN if email.strip().lower() in self.admins else Role.ANALYST

    def person(self, email: str) -> Person:
        return Person(email.strip().lower(), self.role_of(email))


def require_admin(person: Person, action: str) -> None:
    """NotAllowed naming the action unless ``person`` is an admin."""
    if not person.is_admin:
        raise NotAllowed(f"Only an admin may {action} (REELSCOPE_ADMIN_EMAILS or an admin API token).")
