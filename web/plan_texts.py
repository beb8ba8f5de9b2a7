"""An install plan's problems in the reader's language, from their code and the plan's data.

A problem carries its code and the app it is about; what else a sentence needs
(version, missing values, the environment it must run in first, the service or
external API) the plan's step of that app holds. A code without a sentence here
is worded from the problem's own data by the sdk's message catalogues
(``web.labels.problem_text``: conflicts, collisions, charts), and one they do
not know keeps the English the planner wrote, marked ``lang="en"``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape

from web.labels import problem_text

Step = dict[str, Any]


@dataclass(frozen=True)
class ProblemText:
    code: str
    severity: str
    app: str | None
    text: Markup


def _names(items: list[str]) -> str:
    return ", ".join(items)


def _entitlement(step: Step) -> str:
    return _("%(app)s %(version)s is a commercial module: your organisation needs an entitlement from its vendor.",
             app=step["app"], version=step["version"])


def _missing(step: Step) -> str:
    names = [m["name"] for m in step.get("missingConfig") or ()]
    return _("%(app)s %(version)s needs values that this environment does not set: %(names)s.",
             app=step["app"], version=step["version"], names=_names(names))


def _promotion(step: Step) -> str:
    source = (step.get("promotion") or {}).get("from", "")
    return _("%(app)s %(version)s has not run in %(source)s yet; install it there first.",
             app=step["app"], version=step["version"], source=source)


def _keeps_withdrawn(step: Step) -> str:
    return _("%(app)s %(version)s stays installed although its publisher withdrew it; no other version fits the plan.",
             app=step["app"], version=step["version"])


def _service(step: Step) -> str:
    unset = [s for s in (step.get("external") or {}).get("services") or () if not s.get("set")]
    return _("%(app)s uses services your municipality runs itself (%(services)s); set the values %(names)s.",
             app=step["app"], services=_names([s["service"] for s in unset]),
             names=_names([s["config"] for s in unset if s.get("config")]))


def _external_api(step: Step) -> str:
    apis = [a["api"] for a in (step.get("external") or {}).get("apis") or () if not a.get("confirmed")]
    return _("%(app)s calls external APIs (%(apis)s); confirm in the settings of the environment that it has "
             "access to them.", app=step["app"], apis=_names(apis))


def _secret_in_clear(step: Step) -> str:
    return _("%(app)s: a secret is held in clear in the environment; replace it by a reference to a Kubernetes "
             "Secret.", app=step["app"])


def _secret_unresolved(step: Step) -> str:
    return _("%(app)s: a secret was removed because it was held in clear; name the Kubernetes Secret that holds "
             "it.", app=step["app"])


SENTENCES: dict[str, Callable[[Step], str]] = {
    "plan.needs-entitlement": _entitlement,
    "plan.missing-config": _missing,
    "plan.promotion": _promotion,
    "plan.keeps-yanked": _keeps_withdrawn,
    "plan.external-service": _service,
    "plan.external-api": _external_api,
    "plan.secret-in-clear": _secret_in_clear,
    "plan.secret-unresolved": _secret_unresolved,
}


def plan_problems(result: dict[str, Any], severity: str) -> list[ProblemText]:
    """The plan's problems of one severity, one sentence per code and app."""
    steps = {s["app"]: s for s in result.get("steps") or ()}
    seen: set[tuple[str, str | None]] = set()
    found = []
    for problem in result.get("problems") or ():
        code, app = problem.get("code", ""), problem.get("app")
        if problem.get("severity") != severity or code == "plan.choice-needed":
            continue
        sentence = SENTENCES.get(code)
        if sentence is not None and app in steps:
            if (code, app) in seen:
                continue  # one sentence says it for every value of the app
            seen.add((code, app))
            found.append(ProblemText(code, severity, app, escape(sentence(steps[app]))))
        else:  # worded from its own data by the sdk's catalogues, else its English marked as such
            found.append(ProblemText(code, severity, app, problem_text(problem)))
    return found
