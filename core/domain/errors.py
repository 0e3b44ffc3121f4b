"""Typed ReelScope errors, each with one kind and one sentence a user can act on."""

from __future__ import annotations

import json

import instaloader.exceptions as ie
import requests


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


class LoginRequired(ReelScopeError):
    kind = "login_required"
    sentence = "Instagram asks to log in before showing this profile; retry later or supply a session."


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
                InstagramChanged, Forbidden, SoftBlocked, InstaloaderOutdated, Cancelled, Interrupted, InternalError)
}

# Failures a later attempt can fix; retrying a missing, private or invalid profile gives the same answer.
RETRYABLE_KINDS = frozenset({RateLimited.kind, LoginRequired.kind, NetworkError.kind, InstagramChanged.kind,
                             Cancelled.kind, Interrupted.kind, InternalError.kind})


def is_retryable(kind: str | None) -> bool:
    """True when retrying an analysis that failed with ``kind`` can succeed (unknown kinds: yes)."""
    return kind not in ERROR_KINDS or kind in RETRYABLE_KINDS


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _mentions_please_wait(exc: BaseException) -> bool:
    text = " ".join(str(e) for e in _chain(exc)).lower()
    return "please wait" in text or "401 unauthorized" in text or " 401 " in text


def _chain_text(exc: BaseException) -> str:
    return " ".join(str(e) for e in _chain(exc))


def _is_graphql(text: str) -> bool:
    return "graphql" in text


def map_exception(exc: BaseException) -> ReelScopeError:
    """Turn whatever instaloader, requests or the JSON decoder raised into one typed ReelScope error."""
    if isinstance(exc, ReelScopeError):
        return exc
    detail = f"{type(exc).__name__}: {exc}"[:2000]
    chain = _chain(exc)
    if any(isinstance(e, ie.ProfileNotExistsException) for e in chain):
        return ProfileNotFound(detail=detail)
    if any(isinstance(e, ie.PrivateProfileNotFollowedException) for e in chain):
        return ProfilePrivate(detail=detail)
    if any(isinstance(e, ie.TooManyRequestsException) for e in chain):
        return RateLimited(detail=detail)
    if any(isinstance(e, ie.LoginRequiredException) for e in chain):
        return LoginRequired(detail=detail)
    text = _chain_text(exc)
    if "feedback_required" in text:
        return SoftBlocked(detail=detail)
    if any(isinstance(e, ie.QueryReturnedBadRequestException) for e in chain) and _is_graphql(text):
        return InstaloaderOutdated(detail=detail)
    if any(isinstance(e, ie.AbortDownloadException) for e in chain):
        return LoginRequired("Instagram refused the request and asks to log in or wait; retry later.", detail=detail)
    if any(isinstance(e, json.JSONDecodeError) for e in chain):  # requests' JSONDecodeError is one too
        return InstagramChanged(detail=detail)
    if any(isinstance(e, (ie.BadResponseException, KeyError, TypeError)) for e in chain) \
            and not any(isinstance(e, requests.RequestException) for e in chain):
        return InstagramChanged(detail=detail)
    if any(isinstance(e, ie.QueryReturnedNotFoundException) for e in chain):
        return ProfileNotFound(detail=detail)
    if any(isinstance(e, (ie.ConnectionException, requests.RequestException, OSError)) for e in chain):
        if "403 forbidden" in text.lower() and _is_graphql(text):
            return Forbidden(detail=detail)
        if _mentions_please_wait(exc):
            return RateLimited("Instagram asks to wait a few minutes before more anonymous requests; "
                               "retry later.", detail=detail)
        return NetworkError(detail=detail)
    if any(isinstance(e, ie.InstaloaderException) for e in chain):
        return InstagramChanged(detail=detail)
    return InternalError(detail=detail)
