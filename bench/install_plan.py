"""Install plan speed: a closure of 30 apps in a catalogue of 10,000 apps and 100,000 releases.

Usage (from the repository root)::

    .venv/bin/python bench/install_plan.py [--apps 10000] [--releases-per-app 10] [--runs 40]

What it does, in a temporary folder that is removed afterwards:

1. Creates the schema from the models in a SQLite file and fills it with bulk
   inserts (no publishing): a publisher, a municipality, one platform profile,
   ``--apps`` apps with ``--releases-per-app`` releases each (manifests with
   ``requires.apps``, ``requires.apis`` and ``provides``), artifact rows, the
   compatibility matrix for the profile, and the API provider index.
2. Shapes the first 30 apps into the closure of ``app-00000``: each needs the
   next two by range, every sixth needs an API that another closure app provides
   (and that an app outside the closure provides at a version that does not
   fit); the newest release of some is yanked or does not run on the profile;
   one newest release conflicts with a sibling's range, so the resolver must
   backtrack. The other apps depend on each other at random. Three closure apps
   are installed at older versions in the environment.
3. Times the plan computation (``PlanService.compute``) and the whole request
   (``POST .../plans`` through the Flask app, which also stores the plan), and
   prints p50/p95 for both. The target is under 200 ms server-side.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from registry.db import database  # noqa: E402
from registry.models import (  # noqa: E402
    ApiProvision,
    App,
    Artifact,
    Base,
    CompatibilityRecord,
    Environment,
    Installation,
    InstallationEvent,
    Organisation,
    PlatformProfileRecord,
    Release,
)
from registry.services.planning import PlanRequest, PlanService  # noqa: E402
from registry.services.tokens import Caller, TokenService  # noqa: E402

CLOSURE = 30
PROFILE = "profileVersion: 1\nid: bench\nname: Bench\nkubernetes: ['1.30']\nservices: [postgresql]\npolicies: []\n"


def versions(count: int) -> list[str]:
    """1.0.0, 1.1.0, ... then 2.0.0, 2.1.0, ...: three in ten are 2.x."""
    first = count - count * 3 // 10
    return [f"1.{i}.0" for i in range(first)] + [f"2.{i}.0" for i in range(count - first)]


def slug(i: int) -> str:
    return f"app-{i:05d}"


def manifest(i: int, version: str, newest: bool, rng: random.Random, apps: int) -> dict[str, Any]:
    requires: dict[str, Any] = {"apps": [], "apis": []}
    provides = []
    if i < CLOSURE:
        for dep in (i + 1, i + 2):
            if dep < CLOSURE:
                requires["apps"].append({"id": slug(dep), "version": ">=1.2.0 <3.0.0"})
        if i % 6 == 0 and i + 3 < CLOSURE:
            requires["apis"].append({"api": f"std-{i}", "version": "^1.0"})
        if i % 6 == 3:
            provides.append({"api": f"std-{i - 3}", "version": "1.4.0"})
        if i == 5 and newest:  # conflicts with app-00004's need: backtrack to an older app-00005
            requires["apps"] = [{"id": slug(6), "version": "<1.2.0"}]
    else:
        for dep in rng.sample(range(CLOSURE, apps), 2):
            requires["apps"].append({"id": slug(dep), "version": "^1.0"})
        if i < CLOSURE + 10:  # competing providers that never fit the closure's ^1.0
            provides.append({"api": f"std-{(i - CLOSURE) // 2 * 6}", "version": "2.0.0"})
    return {"manifestVersion": 1, "id": slug(i), "version": version, "name": slug(i).title(),
            "summary": "Bench app", "publisher": "bench", "license": "EUPL-1.2", "layer": "service",
            "provides": provides, "requires": requires}


def fill(app: Any, apps: int, per_app: int) -> tuple[int, Caller]:
    """Bulk-insert the catalogue; returns the environment id and the municipality as caller."""
    rng = random.Random(7)
    engine = database(app).engine
    Base.metadata.create_all(engine)
    with database(app).session() as session:
        session.execute(insert(Organisation), [
            {"id": 1, "slug": "bench", "name": "Bench", "kind": "cooperation"},
            {"id": 2, "slug": "utrecht", "name": "Utrecht", "kind": "municipality"}])
        session.execute(insert(PlatformProfileRecord), [{"id": 1, "slug": "bench", "name": "Bench", "source": PROFILE}])
        session.execute(insert(App), [
            {"id": i + 1, "slug": slug(i), "organisation_id": 1, "name": slug(i), "summary": "Bench app",
             "layer": "service", "license": "EUPL-1.2", "categories": [], "latest_version": versions(per_app)[-1]}
            for i in range(apps)])
        release_id = 0
        releases, artifacts, compat, provisions = [], [], [], []
        for i in range(apps):
            for n, version in enumerate(versions(per_app)):
                release_id += 1
                newest = n == per_app - 1
                sha = hashlib.sha256(str(release_id).encode()).hexdigest()
                data = manifest(i, version, newest, rng, apps)
                yanked = newest and i < CLOSURE and i % 7 == 1
                runs = not (newest and i < CLOSURE and i % 7 == 2)
                artifacts.append({"sha256": sha, "size": 1000, "filename": f"{slug(i)}-{version}.tar.gz"})
                releases.append({"id": release_id, "app_id": i + 1, "version": version, "manifest": data,
                                 "status": "yanked" if yanked else "published", "artifact_sha256": sha,
                                 "license": "EUPL-1.2", "license_kind": "open", "published_by": 1})
                compat.append({"release_id": release_id, "profile_id": 1, "compatible": runs, "profile_revision": 1})
                provisions += [{"release_id": release_id, "app_id": i + 1, "api": p["api"], "version": p["version"]}
                               for p in data["provides"]]
        for table, rows in ((Artifact, artifacts), (Release, releases), (CompatibilityRecord, compat),
                            (ApiProvision, provisions)):
            for start in range(0, len(rows), 5000):
                session.execute(insert(table), rows[start:start + 5000])
        session.execute(insert(Environment), [{"id": 1, "organisation_id": 2, "name": "test", "stage": "test",
                                               "profile_id": 1, "config": {}, "app_config": {}}])
        for i in (3, 10, 20):  # installed at an older release
            old = i * per_app + 3
            session.execute(insert(Installation), [{"environment_id": 1, "app_id": i + 1, "release_id": old}])
            session.execute(insert(InstallationEvent), [{"environment_id": 1, "app_id": i + 1, "release_id": old,
                                                          "action": "installed", "actor": "bench"}])
        organisation = session.get(Organisation, 2)
        _, secret = TokenService(session).create(organisation)
        session.commit()
        caller = TokenService(session).authenticate(secret)
    app.config["BENCH_TOKEN"] = secret
    return 1, caller


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"p50 {statistics.median(ordered) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms   (n={len(ordered)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--apps", type=int, default=10_000)
    parser.add_argument("--releases-per-app", type=int, default=10)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    from tests.conftest import make_app

    with tempfile.TemporaryDirectory(prefix="appstore-bench-") as folder:
        app = make_app(Path(folder) / "data", f"sqlite:///{Path(folder) / 'bench.db'}")
        started = time.perf_counter()
        env_id, caller = fill(app, args.apps, args.releases_per_app)
        print(f"catalogue: {args.apps} apps, {args.apps * args.releases_per_app} releases "
              f"(filled in {time.perf_counter() - started:.1f} s)")
        request = PlanRequest("app-00000")
        with database(app).session() as session:
            environment = session.get(Environment, env_id)
            plan = PlanService(session).compute(environment, request, caller)
            changes = [s for s in plan["steps"] if s["action"] != "keep"]
            print(f"plan: {plan['status']}, {len(plan['steps'])} steps ({len(changes)} changes)")
            assert plan["status"] == "ready" and len(plan["steps"]) == CLOSURE, plan["problems"]
            computed = []
            for _ in range(args.runs):
                session.expire_all()
                began = time.perf_counter()
                PlanService(session).compute(environment, request, caller)
                computed.append(time.perf_counter() - began)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {app.config['BENCH_TOKEN']}"}
        served = []
        for _ in range(args.runs):
            began = time.perf_counter()
            response = client.post("/api/v1/organisations/utrecht/environments/test/plans",
                                   json={"app": "app-00000"}, headers=headers)
            served.append(time.perf_counter() - began)
            assert response.status_code == 201 and response.json["status"] == "ready", response.json
        print(f"plan computation      {percentiles(computed)}")
        print(f"POST .../plans (WSGI) {percentiles(served)}")
        database(app).dispose()


if __name__ == "__main__":
    main()
