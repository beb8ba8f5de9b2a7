"""Which webhook URLs the registry may call (APPSTORE_WEBHOOK_ALLOW).

The allow-list is a comma-separated list of entries:

- ``public``: any host whose every address is globally routable (the default);
- a host name, or ``*.suffix`` for every host under a domain;
- an address or network in CIDR notation (``10.20.0.0/16``, ``127.0.0.1``).

A host is called only when every address it resolves to is allowed: inside a
listed network, or globally routable (not private, loopback, link-local or one of
the registry's own) when ``public`` or a matching host name allows the host. The
check runs when a subscription is made and again at every delivery, and the
connection goes to the address that was checked, so a name that later resolves
elsewhere (DNS rebinding) reaches nothing it should not. Plain http is only for
hosts or networks listed by name or CIDR; everything else needs https.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from urllib.parse import SplitResult, urlsplit

from registry.errors import ConfigurationError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[Address]]
PUBLIC = "public"
MAX_URL_LENGTH = 2000
_HOST_PATTERN_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-.*")


class AddressRefused(Exception):
    """The URL may not be called; the message says why and what to do."""


@dataclass(frozen=True)
class Target:
    """A URL that passed the checks, with the addresses it may be called at."""

    url: SplitResult
    host: str
    port: int
    addresses: tuple[Address, ...]


@dataclass(frozen=True)
class AllowList:
    public: bool
    hosts: tuple[str, ...]
    networks: tuple[Network, ...]
    own: frozenset[Address] = frozenset()

    @classmethod
    def parse(cls, text: str) -> AllowList:
        """The allow-list from its configured text; ConfigurationError names a bad entry."""
        public, hosts, networks = False, [], []
        for entry in (e.strip().lower() for e in text.split(",")):
            if not entry:
                continue
            if entry == PUBLIC:
                public = True
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
                continue
            except ValueError:
                pass
            if not set(entry) <= _HOST_PATTERN_CHARS or "*" in entry.removeprefix("*.") or len(entry) > 253:
                raise ConfigurationError(f"APPSTORE_WEBHOOK_ALLOW: {entry!r} is no host name, *.domain, address "
                                         "or CIDR network; separate entries with commas, e.g. "
                                         "public,hooks.gemeente.example,10.20.0.0/16")
            hosts.append(entry)
        return cls(public, tuple(hosts), tuple(networks))

    def knowing_own(self, hosts: Iterable[str]) -> AllowList:
        """The same list, refusing also the addresses of this machine and of ``hosts``."""
        return replace(self, own=frozenset(_own_addresses(hosts)))

    def check(self, url: str, resolve: Resolver | None = None) -> Target:
        """The URL's target if every address it resolves to may be called; AddressRefused otherwise."""
        parts = parse_url(url)
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = tuple((resolve or resolve_host)(host, port))
        named = any(_host_matches(host, pattern) for pattern in self.hosts)
        listed = all(any(a in n for n in self.networks) for a in addresses)
        for address in addresses:
            if any(address in network for network in self.networks):
                continue
            if not (self.public or named):
                raise AddressRefused(f"{host} is not on the registry's webhook allow-list; ask the registry's "
                                     "administrators to add it (APPSTORE_WEBHOOK_ALLOW)")
            if not address.is_global or address in self.own:
                raise AddressRefused(f"{host} resolves to {address}, a private, local or the registry's own "
                                     "address, which webhooks never call unless the allow-list names its network")
        if parts.scheme != "https" and not (named or listed):
            raise AddressRefused("use an https:// URL; plain http is only for hosts the allow-list names")
        return Target(parts, host, port, addresses)


def parse_url(url: str) -> SplitResult:
    """The URL's parts if it is a plain absolute http(s) URL; AddressRefused otherwise."""
    if len(url) > MAX_URL_LENGTH:
        raise AddressRefused(f"keep the URL under {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # raises on a bad port
    except ValueError:
        raise AddressRefused("give an absolute URL such as https://hooks.gemeente.example/appstore") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused("give an absolute http(s) URL such as https://hooks.gemeente.example/appstore")
    if parts.username is not None or parts.password is not None or parts.fragment:
        raise AddressRefused("leave user names, passwords and #fragments out of the URL; deliveries are signed")
    return parts


def resolve_host(host: str, port: int) -> list[Address]:
    """Every address ``host`` resolves to (an address stands for itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise AddressRefused(f"{host} does not resolve ({error}); check the host name") from None
    addresses = {ipaddress.ip_address(str(info[4][0]).partition("%")[0]) for info in found}
    if not addresses:
        raise AddressRefused(f"{host} resolves to no address; check the host name")
    return sorted(addresses, key=lambda a: (a.version, int(a)))


def _host_matches(host: str, pattern: str) -> bool:
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and len(host) > len(pattern) - 1
    return host == pattern


def _own_addresses(hosts: Iterable[str]) -> set[Address]:
    """The registry's own addresses: of this machine's name and of the public URL's host."""
    found: set[Address] = set()
    for host in {socket.gethostname(), *hosts}:
        if not host:
            continue
        try:
            found.update(resolve_host(host, 443))
        except AddressRefused:
            continue
    return found
