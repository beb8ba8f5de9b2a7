"""The web store: HTML pages that call the registry's services."""

from __future__ import annotations

from flask import Blueprint, render_template

from registry.db import request_session
from registry.services.catalogue import AppQuery, CatalogueService

web = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/static")


@web.get("/")
def home() -> str:
    page = CatalogueService(request_session()).search(AppQuery(page_size=50))
    return render_template("home.html", page=page)
