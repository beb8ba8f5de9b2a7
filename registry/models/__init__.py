"""Database models, one module per part of the domain. They hold invariants
only; the rules live in services. Every module is imported here so that
``Base.metadata`` knows every table (for migrations and tests)."""

from registry.models.accounts import *  # noqa: F401,F403,E402
from registry.models.advisories import *  # noqa: F401,F403
from registry.models.core import *  # noqa: F401,F403
from registry.models.core import Base, utcnow  # noqa: F401
from registry.models.initiatives import *  # noqa: F401,F403
from registry.models.installs import *  # noqa: F401,F403
from registry.models.publisher_keys import *  # noqa: F401,F403
from registry.models.search import *  # noqa: F401,F403
from registry.models.signing import *  # noqa: F401,F403
from registry.models.vendors import *  # noqa: F401,F403
from registry.models.webhooks import *  # noqa: F401,F403
