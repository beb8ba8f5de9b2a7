"""New rows inserted with one Core statement each, their objects then persistent as if loaded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.db import database
from registry.loaded_inserts import LoadedInserts
from registry.models import ApiProvision, App, Artifact, Organisation, Release, ReleaseAsset
from tests.conftest import add_organisation
from tests.registry.test_publish_statements import statements

SHA = "ab" * 32


def dimpact(session: Session) -> Organisation:
    return session.scalars(select(Organisation).where(Organisation.slug == "dimpact")).one()


@pytest.fixture
def inserting(app: Flask) -> Iterator[tuple[Session, Organisation, LoadedInserts]]:
    """A session, dimpact's row in it, and the inserts of that session."""
    add_organisation(app, "dimpact")
    with database(app).session() as session:
        yield session, dimpact(session), LoadedInserts(session)


def new_rows(organisation: Organisation) -> tuple[App, Artifact, Release]:
    app = App(slug="meldingen", organisation=organisation, name="Meldingen", summary="Meldingen doen",
              license="EUPL-1.2", categories=["citizen-portal"])
    artifact = Artifact(sha256=SHA, size=10, filename="meldingen-1.0.0.tar.gz")
    manifest = {"id": "meldingen", "provides": [{"api": "zgw-zaken", "version": "1.2.0"}]}
    release = Release(app=app, artifact=artifact, version="1.0.0", manifest=manifest,
                      license="EUPL-1.2", license_kind="open", published_by=organisation.id, yanks=[],
                      assets=[ReleaseAsset(path="docs/screen.png", sha256="cd" * 32, content_type="image/png",
                                           size=5)])
    return app, artifact, release


Inserting = tuple[Session, Organisation, LoadedInserts]


def test_inserted_objects_hold_their_keys_and_defaults_and_read_nothing_more(app: Flask, inserting: Inserting) -> None:
    session, organisation, rows = inserting
    made, artifact, release = new_rows(organisation)
    with statements(app) as seen:
        rows.insert(made, artifact, release)
        # Keys, the columns of what each refers to and the defaults are on the objects: no reads.
        assert made.id and release.id and release.app_id == made.id and made.organisation_id == organisation.id
        assert release.artifact_sha256 == SHA and release.status == "published" and release.published_at
        assert made.latest_version is None and made.runs_on == "" and release.app.releases == [release]
    assert [s.split()[0] for s in seen] == ["INSERT", "INSERT", "INSERT"], seen
    # Persistent: the unit of work inserts only what joined with them: the release's image,
    # and the rows every new release brings (its provided APIs, registry.models.rules).
    assert made in session and release in session
    assert {type(row).__name__ for row in session.new} == {"ReleaseAsset", "ApiProvision"}
    session.commit()  # the asset, which the unit of work writes, gets the release's id
    with database(app).session() as reading:
        stored = reading.get(Release, release.id)
        assert stored is not None and stored.app.slug == "meldingen" and stored.app.categories == ["citizen-portal"]
        assert [(a.path, a.release_id) for a in stored.assets] == [("docs/screen.png", release.id)]
        assert stored.artifact.filename == "meldingen-1.0.0.tar.gz" and stored.published_at is not None
        provided = reading.scalars(select(ApiProvision).where(ApiProvision.release_id == release.id)).all()
        assert [(p.api, p.version, p.app_id) for p in provided] == [("zgw-zaken", "1.2.0", stored.app_id)]


def test_after_a_rollback_the_objects_leave_the_session(inserting: Inserting) -> None:
    session, organisation, rows = inserting
    made, _, _ = new_rows(organisation)
    rows.insert(made)
    rows.roll_back()
    assert made not in session
    assert session.scalars(select(App).where(App.slug == "meldingen")).first() is None


def test_only_new_objects_whose_references_have_rows(inserting: Inserting) -> None:
    _, organisation, rows = inserting
    _, _, release = new_rows(organisation)
    with pytest.raises(ValueError, match="has no row yet"):
        rows.insert(release)  # its app is not inserted
    with pytest.raises(ValueError, match="in a session already"):
        rows.insert(organisation)
    assert not rows.inserted
