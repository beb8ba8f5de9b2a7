"""Fixtures: an app per test on a fresh database (SQLite, and PostgreSQL where
a test asks for both), a client, a CLI runner, organisations with tokens, and
test plugins that are always unregistered.

A fresh database with the schema is a copy of a template made once per session
(a file for SQLite, ``CREATE DATABASE ... TEMPLATE`` for PostgreSQL): creating
the tables anew costs a large fraction of a second per test.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import create_engine

from registry.app import create_app
from registry.db import database
from registry.migrations import alembic_config
from registry.models import Base
from registry.services.organisations import OrganisationService
from registry.services.tokens import TokenService
from registry.serving import collector
from tests.e2e.server import CHEAP_PASSWORDS
from tests.postgres import PostgresServer, find_bindir
from tests.registry.seaweedfs import seaweedfs, seaweedfs_server  # noqa: F401  (one S3 server per session, for every folder)

IN_CI = os.environ.get("CI", "").lower() == "true"

# Hypothesis keeps no example database: the suite writes nothing into the working tree
# (a failing example is printed with the failure, and `@example` keeps one for good).
settings.register_profile("suite", database=None)
settings.load_profile("suite")


def pytest_configure(config: pytest.Config) -> None:
    """Tests run the app on several threads at once (races, servers in threads): on Python 3.11
    garbage is collected at safe points, as in a serving worker (registry/serving/collector.py)."""
    collector.start()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """Under ``--dist loadgroup``, each file on one worker (see tests/parallel.py)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from tests.parallel import FileOrGroupScheduling

    return FileOrGroupScheduling(config, log)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` run one after another on one worker: the group ``slow``."""
    for item in items:
        if item.get_closest_marker("slow") and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group("slow"))


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    bindir = find_bindir()
    if bindir is None:
        message = "PostgreSQL server binaries (initdb, pg_ctl) not found; install the postgresql package"
        if IN_CI:
            pytest.fail(message + " (CI must run the PostgreSQL tests)")
        pytest.skip(message)
    # Not below pytest's temp folder: that is private to the current user, and
    # the server may run as the postgres user.
    base = Path(tempfile.mkdtemp(prefix="appstore-pg-"))
    server = PostgresServer(bindir, base)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer) -> str:
    """A PostgreSQL database with the models' schema, which tests' databases copy."""
    name = postgres_server.create_database()
    create_schema(postgres_server.url(name))
    return name


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the models' schema, which tests' databases copy."""
    path = tmp_path_factory.mktemp("template") / "registry.db"
    create_schema(f"sqlite:///{path}")
    return path


def create_schema(url: str) -> None:
    """The schema straight from the models (migrations are tested on their own), marked
    as the newest revision, so that `serve` takes it as a database `init` made."""
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    command.stamp(alembic_config(url), "head")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def backend(request: pytest.FixtureRequest) -> str:
    """The database a test runs on: the registry's tests run on both."""
    return request.param


@pytest.fixture
def database_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: SQLite in the test's folder, or PostgreSQL."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create_database()
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def schema_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database with the schema: SQLite in the test's folder, or PostgreSQL."""
    if backend == "sqlite":
        yield request.getfixturevalue("sqlite_schema_url")
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create_database(template=request.getfixturevalue("postgres_template"))
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'registry.db'}"


@pytest.fixture
def sqlite_schema_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh SQLite database with the schema, in the test's folder."""
    return copy_of(sqlite_template, tmp_path / "registry.db")


def copy_of(sqlite_template: Path, path: Path) -> str:
    """The URL of a copy of the template at ``path``."""
    shutil.copyfile(sqlite_template, path)
    path.chmod(0o600)  # as the registry makes its database
    return f"sqlite:///{path}"


def make_app(data_dir: Path, database_url: str, *, with_schema: bool = False, **overrides: object) -> Flask:
    """A registry on ``database_url``; the schema is created unless the database has it already."""
    app = create_app({
        "TESTING": True,
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "STORAGE_URL": "",
        "SECRET_KEY": "test",
        "LOAD_INSTALLED_PLUGINS": False,
        "PASSWORD_HASH_PROFILE": CHEAP_PASSWORDS,
        **overrides,
    })
    if not with_schema:
        Base.metadata.create_all(database(app).engine)
    return app


@pytest.fixture
def app(tmp_path: Path, schema_url: str) -> Iterator[Flask]:
    """A registry on a fresh database: SQLite and PostgreSQL."""
    application = make_app(tmp_path / "data", schema_url, with_schema=True)
    yield application
    database(application).dispose()


@pytest.fixture
def sqlite_app(tmp_path: Path, sqlite_schema_url: str) -> Iterator[Flask]:
    """A registry on SQLite only, for tests whose subject is not storage."""
    application = make_app(tmp_path / "data", sqlite_schema_url, with_schema=True)
    yield application
    database(application).dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


def add_organisation(app: Flask, slug: str, kind: str = "cooperation") -> str:
    """Create an organisation and return a fresh token of it."""
    with database(app).session() as session:
        service = OrganisationService(session)
        organisation = service.find(slug) or service.create(slug, slug.title(), kind)
        session.flush()
        _, secret = TokenService(session).create(organisation)
        session.commit()
    return secret


@pytest.fixture
def token(app: Flask) -> str:
    """A token of `dimpact`, the publisher of tests/factories' manifest."""
    return add_organisation(app, "dimpact")


@pytest.fixture
def register_plugin(app: Flask) -> Iterator:  # type: ignore[type-arg]
    """Register a test plugin on the app's plugin manager; always unregistered after."""
    from registry.extensions import PLUGINS

    manager = app.extensions[PLUGINS]
    registered: list[object] = []

    def register(plugin: object, name: str | None = None) -> None:
        manager.register(plugin, name=name)
        registered.append(plugin)

    yield register
    for plugin in registered:
        manager.unregister(plugin)
