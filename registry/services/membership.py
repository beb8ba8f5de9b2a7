"""What a signed-in person may do for an organisation: by their role in it.

Owners and maintainers manage the organisation's API tokens and publish in
its name; members see the organisation's private page.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from registry.errors import Forbidden, NotFound
from registry.models import ROLE_MAINTAINER, ROLE_OWNER, ApiToken, Membership, Organisation, User
from registry.services.organisations import OrganisationService
from registry.services.tokens import Caller, TokenService

MANAGERS = (ROLE_OWNER, ROLE_MAINTAINER)


@dataclass(frozen=True)
class MemberCaller(Caller):
    """A person acting for their organisation in the browser (no API token)."""

    user_id: int = 0

    @property
    def actor(self) -> str:
        return f"{self.organisation}:user-{self.user_id}"


def role_in(user: User | None, organisation: Organisation) -> str | None:
    if user is None:
        return None
    return next((m.role for m in user.memberships if m.organisation_id == organisation.id), None)


def managed_organisations(user: User) -> list[Organisation]:
    """Organisations the user may publish for and manage tokens of."""
    return [m.organisation for m in user.memberships if m.role in MANAGERS]


class OrganisationAccess:
    """One user's actions on one organisation, after checking their role."""

    def __init__(self, session: Session, user: User) -> None:
        self.session = session
        self.user = user

    def membership(self, slug: str) -> Membership:
        organisation = OrganisationService(self.session).get(slug)
        membership = next((m for m in self.user.memberships if m.organisation_id == organisation.id), None)
        if membership is None:
            raise Forbidden(f"You are not a member of {organisation.name}.")
        return membership

    def managing(self, slug: str) -> Organisation:
        membership = self.membership(slug)
        if membership.role not in MANAGERS:
            raise Forbidden("Only owners and maintainers of the organisation may do this.")
        return membership.organisation

    def caller(self, slug: str) -> MemberCaller:
        """The user acting for ``slug`` as its owner or maintainer (publish, record, grant)."""
        organisation = self.managing(slug)
        return MemberCaller(organisation.id, organisation.slug, organisation.kind, 0, self.user.id)

    def member_caller(self, slug: str) -> MemberCaller:
        """The user acting for ``slug`` in any role (look at its own pages, plan, register interest)."""
        organisation = self.membership(slug).organisation
        return MemberCaller(organisation.id, organisation.slug, organisation.kind, 0, self.user.id)

    @property
    def actor_name(self) -> str:
        return f"user:{self.user.email}"

    def tokens(self, slug: str) -> list[ApiToken]:
        return TokenService(self.session).list(self.managing(slug))

    def create_token(self, slug: str, description: str) -> tuple[ApiToken, str]:
        organisation = self.managing(slug)
        token, secret = TokenService(self.session).create(organisation, description.strip()[:200], self.actor_name)
        self.session.flush()
        return token, secret

    def revoke_token(self, slug: str, token_id: int) -> ApiToken:
        organisation = self.managing(slug)
        token = self.session.get(ApiToken, token_id)
        if token is None or token.organisation_id != organisation.id:
            raise NotFound(f"{organisation.name} has no token with id {token_id}.")
        TokenService(self.session).revoke(token_id, self.actor_name)
        self.session.flush()
        return token
