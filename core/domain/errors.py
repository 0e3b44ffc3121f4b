"""Typed ReelScope errors, each with one kind and one sentence a user can act on."""

from __future__ import annotations


class ReelScopeError(Exception):
    """Base of every error an analysis can fail with. ``kind`` is stored; ``message`` is shown."""

    kind = "internal"
    sentence = "Something went wrong inside ReelScope; the analysis can be retried."

    def __init__(self, message: str | None = None, *, detail: str | None = None) -> None:
        self.message = message or self.sentence
        self.detail = detail
        super().__init__(self.message)


class InvalidUsername(ReelScopeError):
    kind = "invalid_username"
    sentence = "That is not a valid Instagram username."


class ProfileNotFound(ReelScopeError):
    kind = "not_found"
    sentence = "This Instagram profile does not exist (or is not visible to anonymous visitors)."


class ProfilePrivate(ReelScopeError):
    kind = "private"
    sentence = "This Instagram profile is private, so its reels cannot be analysed."


class RateLimited(ReelScopeError):
    kind = "rate_limited"
    sentence = "Instagram is rate limiting requests right now; retry in a few minutes."
    please_wait_sentence = "Instagram asks to wait a few minutes before more anonymous requests; retry later."


class LoginRequired(ReelScopeError):
    kind = "login_required"
    sentence = "Instagram asks to log in before showing this profile; retry later or supply a session."
    refused_sentence = "Instagram refused the request and asks to log in or wait; retry later."


class NetworkError(ReelScopeError):
    kind = "network"
    sentence = "Instagram could not be reached (network error or server error); retry later."


class InstagramChanged(ReelScopeError):
    kind = "bad_response"
    sentence = "Instagram answered in an unexpected format; ReelScope may need an update."


class Forbidden(ReelScopeError):
    kind = "forbidden"
    sentence = ("Instagram refused the request (HTTP 403), as it does for traffic it takes for a bot; "
                "wait an hour or log in, then retry.")


class SoftBlocked(ReelScopeError):
    kind = "soft_blocked"
    sentence = ("Instagram answered \"feedback_required\": the account is soft-blocked. Stop for a day, open "
                "Instagram in a browser to clear any warning, then retry.")


class InstaloaderOutdated(ReelScopeError):
    kind = "instaloader_outdated"
    sentence = ("Instagram no longer accepts a query instaloader sends (HTTP 400 for a retired doc_id); "
                "instaloader needs an update.")


class CapabilityRefused(ReelScopeError):
    kind = "route_refused"
    sentence = ("Instagram refused this request on every route ReelScope knows: ReelScope needs an update "
                "(`python -m core doctor` shows which route was refused).")


class Cancelled(ReelScopeError):
    kind = "cancelled"
    sentence = "Cancelled by user."


class Interrupted(ReelScopeError):
    kind = "interrupted"
    sentence = "Interrupted: the process running this analysis stopped before it finished; retry it."


class InternalError(ReelScopeError):
    kind = "internal"


ERROR_KINDS: dict[str, type[ReelScopeError]] = {
    cls.kind: cls
    for cls in (InvalidUsername, ProfileNotFound, ProfilePrivate, RateLimited, LoginRequired, NetworkError,
                InstagramChanged, Forbidden, SoftBlocked, InstaloaderOutdated, CapabilityRefused, Cancelled,
                Interrupted, InternalError)
}

# Failures a later attempt can fix; retrying a missing, private or invalid profile gives the same answer.
RETRYABLE_KINDS = frozenset({RateLimited.kind, LoginRequired.kind, NetworkError.kind, InstagramChanged.kind,
                             Cancelled.kind, Interrupted.kind, InternalError.kind})


def is_retryable(kind: str | None) -> bool:
    """True when retrying an analysis that failed with ``kind`` can succeed (unknown kinds: yes)."""
    return kind not in ERROR_KINDS or kind in RETRYABLE_KINDS
