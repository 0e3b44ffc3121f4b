"""Named API tokens with a role (REELSCOPE_API_TOKENS = ``name:role:token,…``); REELSCOPE_API_TOKEN stays an
admin token named ``api``."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from core.signin.people import Person, Role

LEGACY_TOKEN_NAME = "api"


@dataclass(frozen=True)
class ApiToken:
    name: str
    role: Role
    secret: str

    @property
    def person(self) -> Person:
        return Person(self.name, self.role)


def _printable(secret: str, what: str) -> str:
    if not (secret.isascii() and secret.isprintable()) or " " in secret:
        raise ValueError(f"{what} must be printable ASCII without spaces: HTTP clients cannot send other "
                         "characters in a header reliably, so no request could ever match it")
    return secret


def parse_api_tokens(named: str | None, legacy: str | None = None) -> tuple[ApiToken, ...]:
    """Every token the API accepts; ValueError with one sentence for a malformed entry or a repeated name."""
    tokens: list[ApiToken] = []
    if legacy:
        tokens.append(ApiToken(LEGACY_TOKEN_NAME, Role.ADMIN, _printable(legacy, "REELSCOPE_API_TOKEN")))
    for entry in (item.strip() for item in (named or "").split(",")):
        if not entry:
            continue
        name, _, rest = entry.partition(":")
        role, _, secret = rest.partition(":")
        name, role = name.strip(), role.strip().lower()
        if not name or not secret:
            raise ValueError(f"REELSCOPE_API_TOKENS: expected name:role:token, got an entry starting {name[:20]!r}")
        if role not in {r.value for r in Role}:
            raise ValueError(f"REELSCOPE_API_TOKENS: token {name!r} has role {role!r}; use admin or analyst")
        if any(t.name == name for t in tokens):
            raise ValueError(f"REELSCOPE_API_TOKENS: the name {name!r} is used twice")
        tokens.append(ApiToken(name, Role(role), _printable(secret, f"REELSCOPE_API_TOKENS token {name!r}")))
    return tuple(tokens)


def token_for(credentials: str, tokens: tuple[ApiToken, ...]) -> ApiToken | None:
    """The token these bearer credentials match (every token compared, in constant time each), or None."""
    sent = credentials.strip().encode("utf-8")
    found = None
    for token in tokens:
        if hmac.compare_digest(sent, token.secret.encode("utf-8")):
            found = token
    return found
