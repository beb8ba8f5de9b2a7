"""Names under which an app instance keeps its parts in ``app.extensions``."""

STORE = "appstore.store"
PLUGINS = "appstore.plugins"
