"""The demo catalogue: a handful of realistic apps, published like any other.

Each app is built with the SDK's package builder and goes through the same
publish service (and so every verification plugin) as an upload would.
Loading is idempotent: what exists already is left alone.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import Flask
from ruamel.yaml import YAML
from sqlalchemy import select

from registry.db import database
from registry.demo.accounts import load_demo_users
from registry.demo.initiatives import demo_file, load_initiatives
from registry.errors import Conflict, RegistryError
from registry.extensions import PLUGINS
from registry.models import ApiToken
from registry.osv import AdvisoryContent
from registry.service_factories import account_service, publish_service
from registry.services.advisories import AdvisoryService
from registry.services.entitlements import EntitlementService
from registry.services.environments import EnvironmentService
from registry.services.installations import InstallationService
from registry.services.listings import ListingService
from registry.services.organisations import OrganisationService
from registry.services.profiles import ProfileService
from registry.services.tokens import Caller
from registry.services.yanking import YankService
from sdk.builder import write_archive
from sdk.folder import select_files

HERE = Path(__file__).parent


def _yaml() -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]  # ruamel declares it None
    return yaml


def _load(raw: bytes | str) -> Any:
    return _yaml().load(raw)
ACTOR = "demo-loader"


def load_demo(app: Flask) -> Iterator[str]:
    """Create the demo organisations and publish the demo apps; yields progress lines."""
    catalogue = _load((HERE / "catalogue.yaml").read_text(encoding="utf-8"))
    db = database(app)
    with db.session() as session:
        callers = {org["slug"]: _organisation(session, org) for org in catalogue["organisations"]}
        ProfileService(session).seed_defaults(ACTOR)
        for path in sorted((HERE / "profiles").glob("*.yaml")):
            record, created = ProfileService(session).put(path.read_text(encoding="utf-8"), ACTOR)
            if created:
                yield f"platform profile {record.slug}: added"
        organisations = [OrganisationService(session).get(org["slug"]) for org in catalogue["organisations"]]
        yield from load_demo_users(account_service(app, session), organisations)
        for entry in catalogue["apps"]:
            folder = HERE / "apps" / entry["folder"]
            files = _files(folder)
            manifest = _load(files["appstore.yaml"])
            caller = callers[manifest["publisher"]]
            for old in entry.get("history", []):
                yield _publish(app, session, _with_version(files, old["version"]), caller)
                if old.get("yanked"):
                    yield _yank(app, session, manifest["id"], old["version"], old["yanked"], caller)
            yield _publish(app, session, files, caller)
            yield from _commercial(session, manifest["id"], entry, caller)
        for entry in catalogue.get("environments", []):
            yield _environment(session, entry)
            yield from _installed(session, entry, callers[entry["organisation"]])
        for entry in catalogue.get("advisories", []):
            yield _advisory(session, entry, callers[entry["publisher"]])
        yield from load_initiatives(session, _load(demo_file().read_text(encoding="utf-8")), ACTOR)


def _commercial(session: Any, app_id: str, entry: dict[str, Any], vendor: Caller) -> Iterator[str]:
    """A commercial module's listing and the organisations its vendor entitles."""
    if "listing" in entry:
        ListingService(session).put(app_id, entry["listing"], vendor)
        yield f"{app_id}: listing set"
    for slug in entry.get("entitlements", []):
        _, created = EntitlementService(session).grant(app_id, slug, vendor)
        yield f"{app_id}: {slug} entitled" + ("" if created else " already")


def _environment(session: Any, data: dict[str, str]) -> str:
    organisation = OrganisationService(session).get(data["organisation"])
    label = f"environment {organisation.slug}/{data['name']}"
    fields = {k: v for k, v in data.items() if k not in ("organisation", "installed")}
    try:
        EnvironmentService(session).create(organisation, fields, ACTOR)
    except Conflict:
        return f"{label}: present"
    return f"{label}: added"


def _installed(session: Any, data: dict[str, Any], caller: Caller) -> Iterator[str]:
    """Record the environment's installs, as a municipality would after installing them."""
    environment = EnvironmentService(session).get(OrganisationService(session).get(data["organisation"]),
                                                  data["name"])
    present = {i.app.slug: i.release.version for i in InstallationService(session).installed(environment)}
    for app_id, version in (data.get("installed") or {}).items():
        label = f"{data['organisation']}/{data['name']}: {app_id} {version}"
        if present.get(app_id) == version:
            yield f"{label}: installed already"
            continue
        InstallationService(session).record_release(environment, app_id, str(version), caller)
        yield f"{label}: installed"


def _advisory(session: Any, entry: dict[str, Any], caller: Caller) -> str:
    content = AdvisoryContent.model_validate(entry["osv"], strict=False)
    service = AdvisoryService(session)
    known = next((a for a in service.every() if a.app.slug == content.app and a.summary == content.summary), None)
    if known is not None:
        return f"advisory {known.advisory_id}: present"
    return f"advisory {service.publish(content, caller).advisory_id}: published"


def _organisation(session: Any, data: dict[str, str]) -> Caller:
    service = OrganisationService(session)
    organisation = service.find(data["slug"]) or service.create(data["slug"], data["name"], data["kind"], ACTOR)
    session.flush()
    # The demo publishes on the organisation's behalf without a token of its
    # own: the publish service needs only who is publishing.
    token_id = session.scalar(select(ApiToken.id).where(ApiToken.organisation_id == organisation.id)) or 0
    return Caller(organisation.id, organisation.slug, organisation.kind, token_id)


def _files(folder: Path) -> dict[str, bytes]:
    return select_files(folder).read_all()


def _with_version(files: dict[str, bytes], version: str) -> dict[str, bytes]:
    manifest = _load(files["appstore.yaml"])
    manifest["version"] = version
    out = io.BytesIO()
    _yaml().dump(manifest, out)
    return {**files, "appstore.yaml": out.getvalue()}


def _publish(app: Flask, session: Any, files: dict[str, bytes], caller: Caller) -> str:
    manifest = _load(files["appstore.yaml"])
    label = f"{manifest['id']} {manifest['version']}"
    buffer = io.BytesIO()
    write_archive(files, buffer)
    buffer.seek(0)
    try:
        publish_service(app, session).publish(buffer, f"{manifest['id']}-{manifest['version']}.tar.gz", caller)
    except Conflict:
        return f"{label}: present"
    except RegistryError as exc:
        problems = "; ".join(f"{f.key}: {f.message}" for f in exc.findings or [] if f.is_error)
        raise RegistryError(f"demo app {label} did not pass verification: {exc.detail} {problems}") from exc
    return f"{label}: published"


def _yank(app: Flask, session: Any, app_id: str, version: str, reason: str, caller: Caller) -> str:
    try:
        YankService(session, app.extensions[PLUGINS]).yank(app_id, version, reason, caller)
    except Conflict:
        return f"{app_id} {version}: yanked already"
    return f"{app_id} {version}: yanked"
