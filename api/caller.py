"""Who an API request acts for (the bearer token's name and role, set by GuardMiddleware), and the admin rule."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.guard import OPEN_API
from api.problems import ApiProblem
from core.signin.people import NotAllowed, Person, require_admin


def caller(request: Request) -> Person:
    return getattr(request.state, "person", OPEN_API)


Caller = Annotated[Person, Depends(caller)]


def admin(request: Request) -> Person:
    """The caller, when an admin; otherwise a 403 problem naming what needs an admin token."""
    person = caller(request)
    try:
        require_admin(person, f"{request.method} {request.url.path}")
    except NotAllowed as exc:
        raise ApiProblem(403, f"The token {person.name!r} has the {person.role} role: only an admin token may "
                              f"delete analyses or change watches.", slug="forbidden", title="Forbidden",
                         role=str(person.role)) from exc
    return person


Admin = Annotated[Person, Depends(admin)]
FORBIDDEN = {403: {"description": "Only an admin token may do this (REELSCOPE_API_TOKENS role `admin`, or "
                                  "REELSCOPE_API_TOKEN)."}}
