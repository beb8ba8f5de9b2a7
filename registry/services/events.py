"""Announcing committed changes to the event plugins, one listener at a time.

pluggy stops a hook call at the first exception, so one broken listener (a mail
server that is down) would keep the others (the search index) from hearing.
Each listener is therefore called on its own; a failure is logged, never raised.
"""

from __future__ import annotations

import logging

import pluggy

from sdk.hookspecs import ReleaseEvent

log = logging.getLogger(__name__)


def announce(plugins: pluggy.PluginManager, hook_name: str, event: ReleaseEvent) -> None:
    """Call every implementation of the event hook ``hook_name`` with ``event``."""
    # get_hookimpls() lists implementations in reverse call order.
    for impl in reversed(getattr(plugins.hook, hook_name).get_hookimpls()):
        try:
            impl.function(**({"event": event} if "event" in impl.argnames else {}))
        except Exception:
            log.exception("plugin %s failed in %s for %s@%s", impl.plugin_name, hook_name,
                          event.app_id, event.version)
