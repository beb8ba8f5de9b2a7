"""Secret config values: environments hold references, plans and bundles show `<secret: name>` and markers."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import MetaData, select

from registry.db import database
from registry.models import Environment
from sdk.installs import write_bundle
from sdk.secret_values import needed_secrets, secret_values
from sdk.secrets import fill, marker
from tests import factories
from tests.conftest import add_organisation
from tests.registry.installs_support import SECRET_TEMPLATE, Municipality, bearer, municipality
from tests.registry.test_profiles import profile_yaml, put_profile
from tests.registry.test_publish_api import publish

PROFILE = "gemeentecloud"
REFERENCE = {"secretName": "kluis-db", "key": "password"}
SECRET_FILE = SECRET_TEMPLATE + '  host: "${hostname}"\n  dsn: "${dsn}"\n'
CONFIG = [{"name": "dbPassword", "secret": True, "required": True, "example": "<your password>"},
          {"name": "hostname", "required": True},
          {"name": "dsn", "secret": True, "example": "<postgres://user:password@host/db>"}]
CLEAR = "hunter2-ZeerGeheim"


@pytest.fixture
def town(app: Flask, client: FlaskClient) -> Municipality:
    put_profile(app, profile_yaml(PROFILE, ["1.30"], services=["postgresql"]))
    token = add_organisation(app, "dimpact")
    manifest = factories.manifest(id="kluis", version="1.0.0", name="Kluis", config=CONFIG)
    response = publish(client, token, factories.tar_gz(factories.package_files(
        manifest, **{"deploy__secret.yaml": SECRET_FILE})))
    assert response.status_code == 201, response.json
    return municipality(app, client)


def environment(town: Municipality, name: str, **fields: Any) -> Any:
    body = {"name": name, "stage": "test", "profile": PROFILE, **fields}
    return town.client.post(town.base, json=body, headers=bearer(town.token))


def database_text(app: Flask) -> str:
    """Every row of every table, as text: what someone with the database would read."""
    with app.app_context():
        engine = database(app).engine
        tables = MetaData()
        tables.reflect(engine)
        with engine.connect() as conn:
            return "\n".join(str(tuple(row)) for table in tables.sorted_tables
                             for row in conn.execute(select(table)))


def test_a_secret_in_clear_is_refused_and_never_stored_echoed_or_logged(
        town: Municipality, app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for fields in ({"appConfig": {"kluis": {"dbPassword": CLEAR}}},  # declared secret by the app
                   {"config": {"smtpPassword": CLEAR}}):  # a name that reads as a secret
        refused = environment(town, "test", **fields)
        assert refused.status_code == 400
        assert '"secretName"' in refused.json["detail"] and CLEAR not in refused.get_data(as_text=True)
    bad_reference = environment(town, "test", appConfig={"kluis": {"dbPassword": {"secretName": "Kluis DB"}}})
    assert bad_reference.status_code == 400 and "secretName" in bad_reference.json["detail"]
    assert CLEAR not in caplog.text
    assert CLEAR not in database_text(app)


def test_a_plan_shows_the_secret_by_name_and_the_bundle_holds_a_marker(
        town: Municipality, app: Flask, tmp_path: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    created = environment(town, "test", appConfig={"kluis": {"dbPassword": REFERENCE, "hostname": "db.utrecht.nl"}})
    assert created.status_code == 201, created.json
    assert created.json["appConfig"]["kluis"]["dbPassword"] == REFERENCE and created.json["needsAttention"] == []
    plan = town.plan("test", "kluis")
    assert plan["status"] == "ready", plan["problems"]
    (step,) = plan["steps"]
    assert step["secrets"] == [{"name": "dbPassword", "value": "<secret: dbPassword>", "reference": REFERENCE}]
    assert step["namespace"] == "kluis"
    bundle = town.get(f"test/plans/{plan['id']}/bundle").json
    (item,) = bundle["items"]
    content = yaml.safe_load(next(f["content"] for f in item["files"] if f["path"] == "secret.yaml"))
    assert content["stringData"] == {"password": marker("dbPassword"), "host": "db.utrecht.nl",
                                     "dsn": "${dsn}"}  # not set: left as written, with a warning
    assert needed_secrets(bundle) == ["dbPassword"]

    # The municipality's machine fills the marker; the registry never sees the value.
    (tmp_path / "pw").write_text(CLEAR + "\n")
    values = secret_values(needed_secrets(bundle), ["dbPassword=@" + str(tmp_path / "pw")], {})
    written = write_bundle(bundle, tmp_path / "out", values)
    (secret_file,) = [p for p in written if p.name == "secret.yaml"]
    assert yaml.safe_load(secret_file.read_text())["stringData"]["password"] == CLEAR
    assert {p.stat().st_mode & 0o777 for p in written} == {0o600}
    assert town.record("test", plan).status_code == 201
    assert CLEAR not in caplog.text and CLEAR not in database_text(app)
    assert CLEAR not in json.dumps([plan, bundle, town.get("test").json])


def test_a_bundle_with_an_unfilled_secret_is_never_written(town: Municipality, tmp_path: Any) -> None:
    environment(town, "test", appConfig={"kluis": {"dbPassword": REFERENCE, "hostname": "db.utrecht.nl"}})
    plan = town.plan("test", "kluis")
    bundle = town.get(f"test/plans/{plan['id']}/bundle").json
    with pytest.raises(Exception, match="dbPassword"):
        write_bundle(bundle, tmp_path / "out", {})
    assert not (tmp_path / "out").exists()
    with pytest.raises(Exception, match="not the value"):
        secret_values(["dbPassword"], ["dbPassword=hunter2"], {})
    assert secret_values(["dbPassword"], [], {"APPSTORE_SECRET_DBPASSWORD": "from-env"}) == {"dbPassword": "from-env"}


def test_a_shared_value_in_clear_for_a_secret_entry_blocks_the_plan_and_is_never_rendered(
        town: Municipality, app: Flask) -> None:
    # `config` is shared by every app; while no app in the environment declares `dsn` a secret, a value
    # in clear is taken there, but no plan uses it, and once the app runs it is refused.
    dsn = f"postgres://zaken:{CLEAR}@db"
    created = environment(town, "test", config={"dsn": dsn},
                          appConfig={"kluis": {"dbPassword": REFERENCE, "hostname": "db.utrecht.nl"}})
    assert created.status_code == 201
    plan = town.plan("test", "kluis")
    assert plan["status"] == "blocked"
    (problem,) = [p for p in plan["problems"] if p["code"] == "plan.secret-in-clear"]
    assert "`dsn`" in problem["message"] and CLEAR not in json.dumps(plan)

    town.client.patch(f"{town.base}/test", json={"config": {}}, headers=bearer(town.token))
    town.install("test", "kluis")
    again = town.client.patch(f"{town.base}/test", json={"config": {"dsn": dsn}}, headers=bearer(town.token))
    assert again.status_code == 400 and "`config.dsn` is a secret" in again.json["detail"]


def test_an_unresolved_reference_needs_attention_and_blocks_the_plan(town: Municipality, app: Flask) -> None:
    environment(town, "test", appConfig={"kluis": {"dbPassword": REFERENCE, "hostname": "db.utrecht.nl"}})
    with app.app_context(), database(app).session() as session:  # as migration 0008 leaves a value in clear
        env = session.scalars(select(Environment)).one()
        env.app_config = {"kluis": {"dbPassword": {"unresolved": True}, "hostname": "db.utrecht.nl"}}
        session.commit()
    shown = town.get("test").json
    assert shown["needsAttention"] == [{"code": "environment.secret-unresolved", "name": "dbPassword",
                                        "app": "kluis"}]
    plan = town.plan("test", "kluis")
    assert plan["status"] == "blocked"
    assert "plan.secret-unresolved" in {p["code"] for p in plan["problems"]}


def test_a_base64_encoded_marker_is_filled_with_the_encoded_value() -> None:
    # Charts often write `{{ .Values.password | b64enc }}` into a Secret's data.
    encoded = "JHtzZWNyZXQ6ZGJQYXNzd29yZH0="  # base64 of ${secret:dbPassword}
    text, filled = fill(f"data:\n  password: {encoded}\n", {"dbPassword": "geheim"})
    assert text == "data:\n  password: Z2VoZWlt\n" and filled == {"dbPassword"}
