"""API tokens: created once, stored hashed, tied to one organisation, revocable."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from registry.errors import NotFound, Unauthorized
from registry.models import ApiToken, Organisation, table_of, utcnow
from registry.services import audit
from registry.transactions import before_commit

TOKEN_PREFIX = "gas_"  # recognisable in logs and by secret scanners
LAST_USED_RESOLUTION = timedelta(minutes=1)  # spare a write on every request


@dataclass(frozen=True)
class Caller:
    """Who is calling the API: an organisation, through one of its tokens."""

    organisation_id: int
    organisation: str
    kind: str
    token_id: int

    @property
    def actor(self) -> str:
        return f"{self.organisation}:token-{self.token_id}"


def hash_token(token: str) -> str:
    # Tokens carry 256 bits of randomness, so a fast hash is enough: there is
    # nothing to brute-force, unlike passwords.
    return hashlib.sha256(token.encode()).hexdigest()


# Every API request reads its token: the columns it needs in one statement made once
# (no ORM objects to build, no statement to build and key for the cache per request).
_TOKENS, _ORGANISATIONS = table_of(ApiToken), table_of(Organisation)
_TOKEN_BY_HASH = (  # of the tables' columns: a plain statement, without the ORM's work
    select(_TOKENS.c.id, _TOKENS.c.token_hash, _TOKENS.c.revoked_at, _TOKENS.c.last_used_at,
           _TOKENS.c.organisation_id, _ORGANISATIONS.c.slug, _ORGANISATIONS.c.kind)
    .join(_ORGANISATIONS, _TOKENS.c.organisation_id == _ORGANISATIONS.c.id)
    .where(_TOKENS.c.token_hash == bindparam("digest"))
)


class TokenService:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, organisation: Organisation, description: str = "", actor: str = "admin") -> tuple[ApiToken, str]:
        """A new token; the secret is returned once and never stored."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(
            organisation=organisation,
            prefix=secret[: len(TOKEN_PREFIX) + 8],
            token_hash=hash_token(secret),
            description=description,
        )
        self.session.add(token)
        self.session.flush()
        audit.record(self.session, actor, "token.create", organisation.slug,
                     token_id=token.id, prefix=token.prefix, description=description)
        return token, secret

    def authenticate(self, secret: str, now: datetime | None = None) -> Caller:
        if not secret.startswith(TOKEN_PREFIX):
            raise Unauthorized(f"That is not a registry token; tokens start with `{TOKEN_PREFIX}`.")
        digest = hash_token(secret)
        token = self.session.execute(_TOKEN_BY_HASH, {"digest": digest}).first()
        if token is None or not hmac.compare_digest(token.token_hash, digest):
            raise Unauthorized("The token is not known; create one with `appstore-registry token create`.")
        if token.revoked_at is not None:
            raise Unauthorized("The token was revoked; ask your organisation's owner for a new one.")
        now = now or utcnow()
        last = token.last_used_at
        if last is None or last < now - LAST_USED_RESOLUTION:
            # As the unit of work commits: on SQLite a write now would hold the database's one
            # write lock for the whole request (a publish's verification) for a timestamp.
            touch = update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now)
            before_commit(self.session, lambda: self.session.execute(touch))
        return Caller(token.organisation_id, token.slug, token.kind, token.id)

    def revoke(self, token_id: int, actor: str = "admin") -> ApiToken:
        token = self.session.get(ApiToken, token_id)
        if token is None:
            raise NotFound(f"There is no token with id {token_id}.")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            audit.record(self.session, actor, "token.revoke", token.organisation.slug, token_id=token.id)
        return token

    def list(self, organisation: Organisation) -> list[ApiToken]:
        return list(self.session.scalars(
            select(ApiToken).where(ApiToken.organisation_id == organisation.id).order_by(ApiToken.id)
        ))

