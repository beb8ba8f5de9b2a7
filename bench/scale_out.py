"""Scale-out: throughput and p95 of a mixed load on PostgreSQL and SeaweedFS (S3), with 1, 2
and 4 gunicorn workers in one server process and with two server processes.

Usage (from the repository root)::

    .venv/bin/python bench/scale_out.py --duration 30

What it does, all on 127.0.0.1 in temporary folders that are removed afterwards:

1. starts a throwaway PostgreSQL (``initdb``, ``pg_ctl``) and SeaweedFS (``weed server -s3``),
   the parts the tests use;
2. per configuration (``--configs``, default ``1x1,1x2,1x4,2x2``: servers x workers), a fresh
   database and bucket prefix, ``appstore-registry init``, ``org create``, ``token create``,
   then the server processes (``appstore-registry serve --workers W``);
3. ``--publishers`` threads publish new versions while ``--readers`` threads read (catalogue,
   search, app, app page, download), for ``--duration`` seconds; the load generator sends
   each request to the next server in turn (round robin: the balancer of this bench);
4. prints requests/s, publishes/s, p95 of reads and of publishes per configuration, and
   the scaling factor of throughput from 1 to 4 workers.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# The server, cluster and load helpers live with the tests.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.cluster import Cluster, running_cluster  # noqa: E402
from tests.e2e.load import READS, Answer, MixedLoad  # noqa: E402
from tests.postgres import PostgresServer, find_bindir  # noqa: E402
from tests.registry.seaweedfs import SeaweedFS  # noqa: E402

OK = (200, 201)


@dataclass(frozen=True)
class Figures:
    config: str
    seconds: float
    reads: int
    publishes: int
    failed: int
    read_p95: float
    publish_p95: float
    p95_by_kind: dict[str, float]

    @property
    def throughput(self) -> float:
        return (self.reads + self.publishes) / self.seconds


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def figures(config: str, answers: list[Answer], seconds: float) -> Figures:
    reads = [a for a in answers if a.kind != "publish" and a.status in OK]
    publishes = [a for a in answers if a.kind == "publish" and a.status in OK]
    by_kind = {kind: percentile([a.ended - a.started for a in answers if a.kind == kind and a.status in OK], 0.95)
               for kind in ("publish", *READS)}
    return Figures(config, seconds, len(reads), len(publishes), sum(1 for a in answers if a.status not in OK),
                   percentile([a.ended - a.started for a in reads], 0.95),
                   percentile([a.ended - a.started for a in publishes], 0.95), by_kind)


def measure(config: str, folder: Path, postgres: PostgresServer, seaweedfs: SeaweedFS, args: argparse.Namespace
            ) -> Figures:
    servers, workers = (int(n) for n in config.split("x"))
    cluster = Cluster(folder / config, postgres, seaweedfs, servers=servers, workers=workers)
    with running_cluster(cluster):
        load = MixedLoad(cluster.urls, cluster.token, publishers=args.publishers, readers=args.readers,
                         prefix=f"bench-{config}")
        with load:
            time.sleep(args.warmup)  # workers import and fill their caches on their first requests
            start = time.monotonic()
            time.sleep(args.duration)
            end = time.monotonic()
        return figures(config, load.between(start, end), end - start)


def report(rows: list[Figures]) -> None:
    print(f"\n{'servers x workers':<19}{'req/s':>8}{'publish/s':>11}{'read p95 ms':>13}"
          f"{'publish p95 ms':>16}{'failed':>8}")
    for row in rows:
        print(f"{row.config:<19}{row.throughput:>8.1f}{row.publishes / row.seconds:>11.1f}"
              f"{row.read_p95 * 1000:>13.0f}{row.publish_p95 * 1000:>16.0f}{row.failed:>8}")
    kinds = list(rows[0].p95_by_kind) if rows else []
    print(f"\np95 ms by kind of request\n{'servers x workers':<19}" + "".join(f"{kind:>10}" for kind in kinds))
    for row in rows:
        print(f"{row.config:<19}" + "".join(f"{row.p95_by_kind[kind] * 1000:>10.0f}" for kind in kinds))
    by_config = {row.config: row for row in rows}
    if "1x1" in by_config and "1x4" in by_config:
        print(f"\nscaling 1 -> 4 workers: {by_config['1x4'].throughput / by_config['1x1'].throughput:.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configs", default="1x1,1x2,1x4,2x2",
                        help="servers x workers per configuration, comma separated (default 1x1,1x2,1x4,2x2)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds measured per configuration (30)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of load before measuring (5)")
    parser.add_argument("--publishers", type=int, default=2, help="publishing client threads (2)")
    parser.add_argument("--readers", type=int, default=6, help="reading client threads (6)")
    args = parser.parse_args(argv)
    configs = args.configs.split(",")
    if not all(part.isdigit() and int(part) > 0 for config in configs for part in config.split("x", 1)):
        parser.error("--configs takes SERVERSxWORKERS, such as 1x4,2x2")
    bindir = find_bindir()
    if bindir is None:
        parser.error("PostgreSQL server binaries (initdb, pg_ctl) not found; install the postgresql package")

    folder = Path(tempfile.mkdtemp(prefix="appstore-scale-"))
    # A folder of its own, which the server's user may own (PostgreSQL runs as `postgres` under root).
    postgres_folder = Path(tempfile.mkdtemp(prefix="appstore-scale-pg-"))
    postgres, seaweedfs = PostgresServer(bindir, postgres_folder), SeaweedFS(folder)
    try:
        postgres.start()
        seaweedfs.start()
        rows = []
        for config in configs:
            print(f"measuring {config} (servers x workers) for {args.duration:g}s ...", flush=True)
            rows.append(measure(config, folder, postgres, seaweedfs, args))
        report(rows)
    finally:
        seaweedfs.stop()
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(postgres_folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
