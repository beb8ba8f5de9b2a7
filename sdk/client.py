"""A Python client of the registry's JSON API (``/api/v1``), used by the CLI.

Every failure becomes an ``AppstoreError`` subclass whose message says what
happened and what to do; a problem answer becomes the class of its kind
(``sdk.registry_errors``, named like the server's). Network failures and 502/503/504 answers are retried
with bounded exponential backoff. Retrying a publish is safe: the registry
answers 409 with the existing artifact's sha256, and an identical artifact is
reported as already published.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from sdk.archive import open_package, sha256_file
from sdk.findings import Finding
from sdk.registry_errors import (  # noqa: F401  (the client's errors, importable from here)
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    RegistryError,
    RegistryUnreachable,
    StorageFull,
    Unauthorized,
    VerificationFailed,
    VersionExists,
    error_for,
)
from sdk.upload import MultipartFile

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
RETRY_STATUSES = frozenset({502, 503, 504})
Progress = Callable[[int, int], None]  # (bytes sent, bytes in all)


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff: ``attempts`` tries in all, waits capped."""

    attempts: int = 4
    initial_delay: float = 0.5
    max_delay: float = 8.0

    def delays(self) -> Iterator[float]:
        delay = self.initial_delay
        for _ in range(self.attempts - 1):
            yield min(delay, self.max_delay)
            delay *= 2


@dataclass(frozen=True)
class PublishResult:
    """A published release; ``already_published`` when an identical one existed."""

    release: dict[str, Any]
    already_published: bool = False

    @property
    def url(self) -> str:
        links = self.release.get("links") or {}
        return str(links.get("html") or links.get("self") or "")

    @property
    def findings(self) -> list[Finding]:
        return [Finding.from_dict(f) for f in self.release.get("findings") or []]


def _user_agent() -> str:
    try:
        version = metadata.version("gemeente-appstore")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"appstore-cli/{version} python-requests/{requests.__version__}"


class RegistryClient:
    """The registry's API, for one base URL and (optionally) one token."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = (10.0, 120.0),
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", _user_agent())
        self.timeout = timeout
        self.retry = retry
        self._sleep = sleep

    # -- reading -----------------------------------------------------------

    def search(self, query: str = "", *, layer: str | None = None, category: str | None = None,
               publisher: str | None = None, license: str | None = None,
               page: int = 1, page_size: int = 20) -> dict[str, Any]:
        """Apps matching the query and filters: ``{"items", "total", "page", "pageSize"}``."""
        params = {"q": query, "layer": layer, "category": category, "publisher": publisher,
                  "license": license, "page": page, "pageSize": page_size}
        params = {k: v for k, v in params.items() if v not in (None, "")}
        return self._json("GET", "/apps", params=params)

    def app(self, app_id: str) -> dict[str, Any]:
        """One app with its releases."""
        return self._json("GET", f"/apps/{_seg(app_id)}", what=f"App {app_id!r}")

    def profile(self, profile_id: str) -> dict[str, Any]:
        """One platform profile as the registry's curators keep it."""
        return self._json("GET", f"/profiles/{_seg(profile_id)}", what=f"Platform profile {profile_id!r}")

    def release(self, app_id: str, version: str) -> dict[str, Any]:
        """One release: manifest, sha256, status, findings, compatibility."""
        return self._json("GET", f"/apps/{_seg(app_id)}/releases/{_seg(version)}",
                          what=f"Release {app_id} {version}")

    def download(self, app_id: str, version: str, target: Path) -> Path:
        """Save a release's archive to ``target``, checking the ``Digest`` header."""
        path = f"/apps/{_seg(app_id)}/releases/{_seg(version)}/package"
        response = self._request("GET", path, stream=True, what=f"Release {app_id} {version}", redirect_ok=True)
        expected = _digest_header(response.headers.get("Digest", ""))
        if response.is_redirect:
            response = self._fetch_stored(response, f"{app_id} {version}")
        digest = hashlib.sha256()
        try:
            with Path(target).open("wb") as fh:
                for chunk in response.iter_content(64 * 1024):
                    digest.update(chunk)
                    fh.write(chunk)
        finally:
            response.close()
        if expected and expected != digest.digest():
            Path(target).unlink(missing_ok=True)
            raise RegistryError(f"The download of {app_id} {version} is damaged (sha256 differs).",
                                hint="Try again; if it persists, tell the registry's administrators.")
        return Path(target)

    def _fetch_stored(self, redirect: requests.Response, what: str) -> requests.Response:
        """Follow the registry's redirect to a short-lived address of the file in its store,
        without the token (the address carries its own permission)."""
        redirect.close()
        address = redirect.headers["Location"]
        try:
            response = self.session.get(address, stream=True, timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as exc:
            raise RegistryError(f"The download of {what} from the registry's storage failed: {exc}.",
                                hint="Try again; the registry gives a new address each time.") from exc
        if response.status_code != 200:
            response.close()
            raise RegistryError(f"The download of {what} from the registry's storage answered "
                                f"{response.status_code}.",
                                hint="Try again; if it persists, tell the registry's administrators.")
        return response

    # -- writing -----------------------------------------------------------

    def publish(self, package: Path, progress: Progress | None = None,
                signature: Mapping[str, str] | None = None) -> PublishResult:
        """Upload a package archive; 201 gives the release, 409 may mean it is already there.

        ``signature`` holds the form fields `signature` and `signatureKey` of a signed publish.
        """
        package = Path(package)
        self.require_token("publish")

        def body() -> MultipartFile:  # a fresh stream for every attempt
            return MultipartFile("package", package, progress=progress, fields=signature)

        try:
            release = self._json("POST", "/releases", body=body)
        except Conflict as exists:  # the version is taken: by this very artifact, or another
            return self._existing(package, exists)
        return PublishResult(release)

    def yank(self, app_id: str, version: str, reason: str) -> dict[str, Any]:
        """Yank a release: it stays downloadable but no install plan picks it."""
        self.require_token("yank")
        return self._json("POST", f"/apps/{_seg(app_id)}/releases/{_seg(version)}/yank",
                          json_body={"reason": reason}, what=f"Release {app_id} {version}")

    def register_key(self, organisation: str, public_key: str, proof: str, label: str = "") -> dict[str, Any]:
        """Register an Ed25519 public key for ``organisation``; ``proof`` shows the private key is held."""
        self.require_token("register a key")
        return self._json("POST", f"/organisations/{_seg(organisation)}/keys",
                          json_body={"publicKey": public_key, "proof": proof, "label": label},
                          what=f"Organisation {organisation!r}")

    def _existing(self, package: Path, exists: Conflict) -> PublishResult:
        """Tell an identical, already published artifact from a taken version."""
        app_id, version = _identify(package)
        release = None
        remote = exists.problem.get("sha256")
        if not remote:  # an older registry: ask for the release itself
            release = self.release(app_id, version)
            remote = release.get("sha256")
        if remote == sha256_file(package):
            return PublishResult(release or self.release(app_id, version), already_published=True)
        raise VersionExists(
            f"Version {version} of {app_id} already exists on the registry with other content.",
            hint="Raise `version` in appstore.yaml and build again: a published version is never replaced.",
            status=exists.status, problem=exists.problem,
        ) from exists

    # -- plumbing ----------------------------------------------------------

    def require_token(self, action: str) -> None:
        if not self.token:
            raise Unauthorized(
                f"No token to {action} with on {self.base_url}.",
                hint="Run `appstore login`, set APPSTORE_TOKEN, or pass --token.",
            )

    def _json(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self._request(method, path, **kwargs)
        try:
            data = response.json()
        except ValueError as exc:
            raise RegistryError(
                f"The registry at {self.base_url} answered {method} {path} with something other than JSON.",
                hint="Check that --registry points at a Gemeente App Store registry.",
                status=response.status_code,
            ) from exc
        return data if isinstance(data, dict) else {"items": data}

    def _request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                 json_body: Any = None, body: Callable[[], MultipartFile] | None = None,
                 stream: bool = False, what: str = "", redirect_ok: bool = False) -> requests.Response:
        url = self.base_url + API_PREFIX + path
        headers = {"Accept": "application/json, application/problem+json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        delays = self.retry.delays()
        attempt = 0
        while True:
            attempt += 1
            data = body() if body is not None else None
            if data is not None:
                headers["Content-Type"] = data.content_type
            try:
                response = self.session.request(
                    method, url, params=params, json=json_body, data=data, headers=headers,
                    timeout=self.timeout, stream=stream, allow_redirects=False,
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                failure: Exception | requests.Response = exc
            except requests.RequestException as exc:  # not worth a retry: a bad URL, a broken answer
                raise RegistryError(f"The request to {url} failed: {exc}.",
                                    hint="Check --registry; run with --verbose for details.") from exc
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response if redirect_ok and response.is_redirect else self._checked(response, what)
                failure = response
            finally:
                if data is not None:
                    data.close()
            delay = next(delays, None)
            if delay is None:
                return self._give_up(failure, attempt, what)
            if isinstance(failure, requests.Response):
                delay = _retry_after(failure, delay, self.retry.max_delay)
                failure.close()
            log.info("attempt %d of %s %s failed (%s); retrying in %.1fs",
                     attempt, method, url, failure, delay)
            self._sleep(delay)

    def _give_up(self, failure: Exception | requests.Response, attempts: int, what: str) -> requests.Response:
        if isinstance(failure, requests.Response):
            return self._checked(failure, what)
        raise RegistryUnreachable(
            f"Cannot reach the registry at {self.base_url} "
            f"({_brief_network_error(failure)}; tried {attempts} times).",
            hint="Check the URL (--registry or APPSTORE_REGISTRY) and your network, then try again.",
        ) from failure

    def _checked(self, response: requests.Response, what: str) -> requests.Response:
        if response.status_code < 300:
            return response
        raise error_for(response, self.base_url, what)


def _identify(package: Path) -> tuple[str, str]:
    view, _ = open_package(package)
    manifest = view.manifest or {}
    return str(manifest.get("id", "")), str(manifest.get("version", ""))


def _seg(value: str) -> str:
    """One path segment, quoted: ids and versions never change the path."""
    return quote(str(value), safe="")


def _retry_after(response: requests.Response, default: float, cap: float) -> float:
    try:
        return min(max(float(response.headers.get("Retry-After", "")), 0.0), cap)
    except ValueError:
        return default


def _digest_header(value: str) -> bytes | None:
    """The sha-256 from a ``Digest: sha-256=<base64>`` header, if any."""
    for part in value.split(","):
        algorithm, _, encoded = part.strip().partition("=")
        if algorithm.lower() == "sha-256" and encoded:
            try:
                return base64.b64decode(encoded)
            except ValueError:
                return None
    return None


def _brief_network_error(exc: Exception) -> str:
    if isinstance(exc, requests.Timeout):
        return "no answer in time"
    if isinstance(exc, requests.ConnectionError):
        return "connection refused or failed"
    return type(exc).__name__
