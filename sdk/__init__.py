"""Gemeente App Store SDK: what authors and municipalities install.

The SDK holds the manifest model, the package builder, the verification plugin
contract (hook specifications, findings, the read-only package view), the API
client and the ``appstore`` command line. It never imports Flask, SQLAlchemy or
anything else of the server.
"""

from sdk.hookspecs import hookimpl

__all__ = ["hookimpl"]
