"""Installing apps into a municipality's environment: the API calls and writing a bundle.

``install`` plans, shows, writes the rendered manifests per app in order, and
records the installation; each step is a function the CLI wraps.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import requests

from sdk.client import RegistryClient
from sdk.errors import AppstoreError
from sdk.manifest import is_slug
from sdk.package import is_manifest_name
from sdk.registry_errors import Forbidden, NotFound, RegistryError
from sdk.secret_values import needed_secrets
from sdk.secrets import ENV_PREFIX, SECRET_MARKER, fill

ENV_REF = re.compile(r"^([a-z0-9][a-z0-9-]*)/([a-z0-9][a-z0-9-]*)\Z")
NEEDS_ENTITLEMENT = "content.needs-entitlement"  # the problem code of a refused commercial module


@dataclass(frozen=True)
class EnvironmentRef:
    """``ORG/ENV``: an organisation's environment."""

    organisation: str
    name: str

    @classmethod
    def parse(cls, text: str) -> EnvironmentRef:
        match = ENV_REF.match(text.strip())
        if not match:
            raise AppstoreError(f"{text!r} is not an environment.", hint="Write ORG/ENV, e.g. --env utrecht/test.")
        return cls(match.group(1), match.group(2))

    @property
    def path(self) -> str:
        return f"/organisations/{quote(self.organisation, safe='')}/environments/{quote(self.name, safe='')}"

    def __str__(self) -> str:
        return f"{self.organisation}/{self.name}"


class InstallClient(RegistryClient):
    """The registry client with the calls of municipal installs."""

    def plan(self, env: EnvironmentRef, app: str, version: str | None = None,
             choices: dict[str, str] | None = None) -> dict[str, Any]:
        self.require_token("plan an install")
        body: dict[str, Any] = {"app": app}
        if version:
            body["version"] = version
        if choices:
            body["choices"] = choices
        return self._json("POST", f"{env.path}/plans", json_body=body, what=f"Environment {env} or app {app}")

    def bundle(self, env: EnvironmentRef, plan_id: int) -> dict[str, Any]:
        return self._json("GET", f"{env.path}/plans/{plan_id}/bundle", what=f"Plan {plan_id}")

    def record(self, env: EnvironmentRef, plan_id: int) -> dict[str, Any]:
        return self._json("POST", f"{env.path}/installations", json_body={"plan": plan_id}, what=f"Plan {plan_id}")

    def installed(self, env: EnvironmentRef) -> dict[str, Any]:
        self.require_token("read an environment")
        return self._json("GET", f"{env.path}/installations", what=f"Environment {env}")

    def updates(self, env: EnvironmentRef) -> dict[str, Any]:
        self.require_token("read an environment")
        return self._json("GET", f"{env.path}/updates", what=f"Environment {env}")

    def _checked(self, response: requests.Response, what: str) -> requests.Response:
        try:
            return super()._checked(response, what)
        except Forbidden as exc:
            if exc.problem.get("code") == NEEDS_ENTITLEMENT:
                raise Forbidden(f"{exc.problem.get('detail') or 'A commercial module was refused'} (403).",
                                hint=f"Ask the vendor of `{exc.problem.get('app')}` for an entitlement, or make a "
                                     "new plan without it.",
                                status=exc.status, problem=exc.problem) from None
            raise Forbidden(f"Your token may not see or change this environment (403: "
                            f"{exc.problem.get('detail', '')}).".replace(": )", ")"),
                            hint="Use a token of the municipality that owns the environment.",
                            status=exc.status, problem=exc.problem) from None
        except NotFound as exc:
            raise NotFound(f"{str(exc.problem.get('detail') or what + ' was not found').rstrip('.')} (404).",
                           hint="Check ORG/ENV and the app id; `appstore search` lists the apps.",
                           status=exc.status, problem=exc.problem) from None
        except RegistryError as exc:
            if exc.status == 409:  # not "version exists" here: a plan that cannot be applied
                raise RegistryError(f"{exc.problem.get('detail') or 'The registry refused'}",
                                    hint="Make a new plan: `appstore install` again.",
                                    status=exc.status, problem=exc.problem) from None
            raise


def write_bundle(bundle: dict[str, Any], output: Path, secrets: Mapping[str, str] | None = None) -> list[Path]:
    """Write each app's rendered files to ``output/NN-app/``, in the plan's order.

    Every path is checked before anything is written: only manifests below
    the app's folder (the files verification checked), never a path outside it.
    Secret markers are filled from ``secrets``; a marker left unfilled stops
    everything before a file is written. Files are readable by their owner only.
    """
    secrets = secrets or {}
    missing = sorted(set(needed_secrets(bundle)) - set(secrets))
    if missing:
        raise AppstoreError(f"The bundle needs secret(s) {', '.join(missing)}; nothing was written.",
                            hint="Give each with --secret NAME=@FILE or --secret NAME=env:VAR, or set "
                                 f"{ENV_PREFIX}NAME.")
    planned = []
    for number, item in enumerate(bundle.get("items") or [], start=1):
        if not is_slug(item.get("app"), (1, 64)):
            raise AppstoreError(f"The bundle names an app {item.get('app')!r} that is no app id; nothing was "
                                "written.", hint="Tell the registry's administrators.")
        folder = output / f"{number:02d}-{item['app']}"
        for file in item.get("files") or []:
            relative = PurePosixPath(file["path"])
            if relative.is_absolute() or ".." in relative.parts or not is_manifest_name(file["path"]):
                raise AppstoreError(f"The bundle names an unsafe path {file['path']!r}; nothing was written.",
                                    hint="Tell the registry's administrators.")
            content, _ = fill(file["content"], secrets)
            if SECRET_MARKER in content:
                raise AppstoreError(f"{item['app']} {file['path']} holds a secret marker the bundle does not list; "
                                    "nothing was written.", hint="Tell the registry's administrators.")
            planned.append((folder.joinpath(*relative.parts), content))
    output.mkdir(parents=True, exist_ok=True)
    for target, content in planned:
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_private(target, content)
    _write_private(output / "plan.json", json.dumps(bundle, indent=2, ensure_ascii=False) + "\n")
    return [target for target, _ in planned]


def _write_private(target: Path, content: str) -> None:
    """Write ``content`` readable by the owner only: rendered files may hold secrets."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)  # a file that existed keeps its mode otherwise
        handle.write(content)


def plan_failure(plan: dict[str, Any]) -> AppstoreError:
    """The error for a plan that cannot be applied: its problems, one line each."""
    problems = [p for p in plan.get("problems") or [] if p.get("severity", "error") == "error"]
    first = problems[0]["message"] if problems else f"The plan is {plan.get('status')}."
    hint = "\n".join(p["message"] for p in problems[1:])
    if plan.get("status") == "needs-choice":
        hint = (hint + "\n" if hint else "") + "Pick with --choose API=APP."
    return AppstoreError(f"No install plan: {first}", hint=hint)
