"""What instaloader, requests or the JSON decoder raised, mapped to one typed ReelScope error (core.domain.errors)."""

from __future__ import annotations

import json
import re

import instaloader.exceptions as ie
import requests

from core.domain.errors import (
    Forbidden,
    InstagramChanged,
    InstaloaderOutdated,
    InternalError,
    LoginRequired,
    NetworkError,
    ProfileNotFound,
    ProfilePrivate,
    RateLimited,
    ReelScopeError,
    SoftBlocked,
)
from core.instagram.queries import GraphQLErrors
from core.instagram.routes import Refusal


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
        return LoginRequired(LoginRequired.refused_sentence, detail=detail)
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
            return RateLimited(RateLimited.please_wait_sentence, detail=detail)
        return NetworkError(detail=detail)
    if any(isinstance(e, ie.InstaloaderException) for e in chain):
        return InstagramChanged(detail=detail)
    return InternalError(detail=detail)


_RETIRED_400 = re.compile(r"feedback_required|execution error|unknown doc_?id|doc_id .*(retired|no longer)", re.I)
_MESSAGE = re.compile(r'message "([^"]*)"')


def refusal_of(exc: BaseException, api_endpoint: bool = True) -> Refusal | None:
    """The refusal an instaloader exception reports, or None when it is anything else (network, rate limit, …).

    instaloader raises AbortDownloadException for a 400 ``feedback_required``, QueryReturnedBadRequestException for
    any other 400 and QueryReturnedNotFoundException for a 404 (instaloadercontext ``_raise_for_status``). A 404
    is a refusal only on an API endpoint (``api_endpoint``): on a profile page it means "no such profile".
    """
    for error in _chain(exc):
        text = str(error)
        found = _MESSAGE.search(text)
        message = found.group(1) if found else text[:200]
        if isinstance(error, ie.AbortDownloadException) and "feedback_required" in text:
            return Refusal(400, "feedback_required")
        if isinstance(error, ie.QueryReturnedBadRequestException) and _RETIRED_400.search(text):
            return Refusal(400, message)
        if isinstance(error, GraphQLErrors) and _RETIRED_400.search(text):
            return Refusal(200, message)
        if api_endpoint and isinstance(error, ie.QueryReturnedNotFoundException):
            return Refusal(404, (message if found else "") or "Not Found")
    return None
