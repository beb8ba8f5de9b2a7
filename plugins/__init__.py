"""Built-in verification plugins, one concern per module.

Each module implements hooks from ``sdk.hookspecs``; the list of built-in
modules, in registration order, is ``sdk.verification.BUILTIN_PLUGINS``.
"""
