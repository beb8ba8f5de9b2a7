"""One HTTP POST to a checked webhook target: to the checked address, no redirects,
a time limit, and only the first bytes of the answer read."""

from __future__ import annotations

from dataclasses import dataclass

import certifi
import urllib3
from urllib3.exceptions import HTTPError

from registry.services.webhooks.addresses import Target

#: Of the receiver's answer only this much is read (for the delivery log); the rest is dropped.
MAX_ANSWER_BYTES = 1024
EXCERPT_CHARACTERS = 200


class PostRefused(Exception):
    """The post did not get an answer (no connection, a timeout, a TLS failure)."""


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str


def post(target: Target, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    """POST ``body`` to ``target``, trying its checked addresses in turn."""
    last: Exception | None = None
    for address in target.addresses:
        pool = _pool(target, str(address), timeout)
        try:
            response = pool.urlopen("POST", _path(target), body=body,
                                    headers={**headers, "Host": target.url.netloc.rpartition("@")[2]},
                                    redirect=False, retries=False, preload_content=False)
            try:
                excerpt = response.read(MAX_ANSWER_BYTES, decode_content=False)
            finally:
                response.release_conn()
            return Answer(response.status, excerpt.decode("utf-8", "replace")[:EXCERPT_CHARACTERS].strip())
        except HTTPError as error:
            last = error
        finally:
            pool.close()
    raise PostRefused(f"no answer from {target.host}: {type(last).__name__}: {last}"[:300])


def _pool(target: Target, address: str, timeout: float) -> urllib3.HTTPConnectionPool:
    limits = urllib3.Timeout(total=timeout)
    if target.url.scheme == "https":
        # Connect to the checked address, but verify the certificate (and send SNI) for the host name.
        return urllib3.HTTPSConnectionPool(address, target.port, timeout=limits, retries=False,
                                           cert_reqs="CERT_REQUIRED", ca_certs=certifi.where(),
                                           server_hostname=target.host, assert_hostname=target.host)
    return urllib3.HTTPConnectionPool(address, target.port, timeout=limits, retries=False)


def _path(target: Target) -> str:
    path = target.url.path or "/"
    return f"{path}?{target.url.query}" if target.url.query else path
