"""Demo users: one owner per demo organisation, so that a newcomer can sign in.

The password is made anew on every load and printed (``make run`` shows it):
demo users are for a registry on a developer's machine, never a shared one.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

from registry.models import ROLE_OWNER, Organisation
from registry.services.accounts import AccountService

ACTOR = "demo-loader"


def demo_email(organisation: Organisation) -> str:
    return f"demo@{organisation.slug}.example"


def load_demo_users(accounts: AccountService, organisations: list[Organisation]) -> Iterator[str]:
    """Create (or reset) the demo owner of each organisation; yields sign-in lines."""
    for organisation in organisations:
        email = demo_email(organisation)
        password = secrets.token_urlsafe(12)
        user = accounts.find(email)
        if user is None:
            accounts.create_user(email, f"Demo {organisation.name}", password, actor=ACTOR)
        else:
            accounts.set_password(user, password, actor=ACTOR)
        accounts.add_member(email, organisation, ROLE_OWNER, actor=ACTOR)
        yield f"sign in as {email} with password {password} (owner of {organisation.slug})"
