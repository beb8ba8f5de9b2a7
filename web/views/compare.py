"""Comparing apps side by side: the choice travels in the address (``?apps=a&apps=b``),
so picking, adding and removing apps works without JavaScript."""

from __future__ import annotations

from flask import render_template, request, url_for

from registry.db import request_session
from registry.services.comparison import MAX_APPS, MAX_IDS, ComparisonRefused, ComparisonService
from sdk.manifest import is_slug
from web import web


@web.get("/compare")
def compare() -> tuple[str, int] | str:
    ids = request.args.getlist("apps")[:MAX_IDS + 1]
    try:
        comparison = ComparisonService(request_session()).compare(ids)
    except ComparisonRefused as refused:
        return render_template("compare.html", comparison=None, refused=refused, chosen=refused.chosen,
                               compare_url=compare_url, max_apps=MAX_APPS), refused.status
    chosen = [a.slug for a in comparison.apps]
    only_differences = request.args.get("only") == "differences"
    return render_template("compare.html", comparison=comparison, refused=None, chosen=chosen,
                           only_differences=only_differences, compare_url=compare_url, max_apps=MAX_APPS)


def compare_url(apps: list[str], only: str | None = None) -> str:
    """The comparison of ``apps`` (``only="differences"``: the rows that differ); with
    fewer than two, the results page to pick more."""
    if len(apps) < 2:
        return url_for("web.results", apps=apps)
    return url_for("web.compare", apps=apps, only=only)


def picked_apps() -> list[str]:
    """The apps chosen for a comparison so far (``?apps=``), as far as they can be ids."""
    ids = [i for i in request.args.getlist("apps")[:MAX_IDS] if is_slug(i)]
    return list(dict.fromkeys(ids))[:MAX_APPS]


@web.app_template_global()
def comparison_with(chosen: list[str], app_id: str) -> str:
    """The comparison of the apps ``chosen`` so far with ``app_id`` added (the app page's link)."""
    apps = list(dict.fromkeys([*chosen, app_id]))[-MAX_APPS:]
    return url_for("web.compare", apps=apps)
