"""Names under which an app instance keeps its parts in ``app.extensions``."""

STORE = "appstore.store"
LEFTOVERS = "appstore.leftovers"  # registry.services.leftovers.Leftovers: blobs a failed publish left behind
PLUGINS = "appstore.plugins"
CLOCK = "appstore.clock"  # a callable giving the current time (aware, UTC); tests replace it
SIGNING = "appstore.signing"  # registry.signing.updates.Signing: keys and the signed metadata
WEBHOOK_ALLOW = "appstore.webhook_allow"  # the parsed allow-list, with the registry's own addresses
