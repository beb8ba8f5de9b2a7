"""The demo board of initiatives (initiatives.yaml), loaded after the demo apps.

Idempotent like the rest of the demo: an initiative whose title is on the board already is
left alone. Participants are written as they are, so the demo shows every role at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import App, Initiative, InitiativeParticipant, InitiativeTag, Organisation, Release
from registry.services.initiative_links import link_published
from registry.services.organisations import OrganisationService

TAGS = {"layers": "layer", "categories": "category", "provides": "provides", "uses": "uses"}


def load_initiatives(session: Session, data: dict[str, Any], actor: str) -> Iterator[str]:
    service = OrganisationService(session)
    for entry in data.get("municipalities", []):
        if service.find(entry["slug"]) is None:
            service.create(entry["slug"], entry["name"], "municipality", actor)
    session.flush()
    for entry in data["initiatives"]:
        title = entry["title"]
        if session.scalar(select(Initiative.id).where(Initiative.title == title)) is not None:
            yield f"initiative {title}: present"
            continue
        initiative = _initiative(session, entry)
        session.add(initiative)
        session.flush()
        _link(session, initiative)
        yield f"initiative {title}: added"


def _initiative(session: Session, entry: dict[str, Any]) -> Initiative:
    ids = {p["organisation"]: _organisation_id(session, p["organisation"]) for p in entry["participants"]}
    initiative = Initiative(
        title=entry["title"], problem=entry["problem"], phase=entry["phase"], contact=entry.get("contact", ""),
        budget_min=entry.get("budgetMin"), budget_max=entry.get("budgetMax"),
        expected_start=_day(entry.get("expectedStart")), expected_end=_day(entry.get("expectedEnd")),
        lessons_learned=entry.get("lessonsLearned"), planned_app=entry.get("plannedApp"),
        created_by=ids[entry["participants"][0]["organisation"]])
    initiative.tags = [InitiativeTag(kind=kind, value=value) for key, kind in TAGS.items()
                       for value in entry.get(key, [])]
    initiative.participants = [InitiativeParticipant(organisation_id=ids[p["organisation"]], role=p["role"])
                               for p in entry["participants"]]
    return initiative


def _link(session: Session, initiative: Initiative) -> None:
    """An initiative whose app the demo published already links to it, as after a publish."""
    if initiative.planned_app is None:
        return
    first = session.scalars(select(Release).join(App).where(App.slug == initiative.planned_app)
                            .order_by(Release.id)).first()
    if first is not None:
        link_published(session, first)


def _organisation_id(session: Session, slug: str) -> int:
    return session.scalars(select(Organisation.id).where(Organisation.slug == slug)).one()


def _day(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def demo_file() -> Path:
    return Path(__file__).parent / "initiatives.yaml"
