"""Names under which an app instance keeps its parts in ``app.extensions``."""

STORE = "appstore.store"
PLUGINS = "appstore.plugins"
PROFILES = "appstore.profiles"  # a callable returning the active PlatformProfiles
