"""Machine instructions a publish costs: a figure that does not move with the machine's load.

Usage (from the repository root; needs valgrind)::

    .venv/bin/python bench/publish_instructions.py [--publishes 40]

Runs the in-process publish of ``publish_breakdown.py`` twice under valgrind's
cachegrind (instruction counts only, no cache simulation): once with a few publishes
and once with ``--publishes`` more, both after the same warm-up, side by side. The
difference divided by ``--publishes`` is what one publish costs, set-up and imports
left out. Cyclic garbage collection is off during the counted publishes (the heap
is frozen first), as the server's collector runs it outside requests. Timings on a
shared machine move by a fifth from run to run; this count moves by well under 1 %,
so two versions of the code can be compared by one run each. Takes about two minutes.
"""

from __future__ import annotations

import argparse
import gc
import io
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASE = 5  # publishes counted in both runs: their difference leaves them out
WARM_UP = 10


def publish(count: int, built: int) -> None:
    """In this process: warm up, then ``count`` publishes (the child under valgrind). Both
    children build ``built`` packages, so that building them is left out of the difference."""
    from bench.publish_breakdown import registry
    from bench.registry_throughput import package_for

    with tempfile.TemporaryDirectory() as tmp:
        app, token = registry(Path(tmp))
        client = app.test_client()
        archives = [package_for(index)[1] for index in range(WARM_UP + built)]
        for index, archive in enumerate(archives[:WARM_UP + count]):
            if index == WARM_UP:
                gc.collect()
                gc.freeze()
                gc.disable()
            answer = client.post("/api/v1/releases", data={"package": (io.BytesIO(archive), "p.tar.gz")},
                                 headers={"Authorization": f"Bearer {token}"})
            if answer.status_code != 201:
                raise SystemExit(f"publish answered {answer.status_code}: {answer.get_data(as_text=True)[:500]}")


def instructions(runs: list[int]) -> list[int]:
    """Instructions of a child that publishes ``count`` times, for each count, run side by side."""
    built = max(runs)
    children = [subprocess.Popen(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, __file__, "--child", str(count), "--built", str(built)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT) for count in runs]
    counts = []
    for child in children:
        _, errors = child.communicate()
        found = re.search(r"I\s+refs:\s+([\d,]+)", errors)
        if child.returncode != 0 or found is None:
            raise SystemExit(f"the counted run failed:\n{errors[-3000:]}")
        counts.append(int(found.group(1).replace(",", "")))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--publishes", type=int, default=40)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--built", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        publish(args.child, args.built)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind).")
    few, many = instructions([BASE, BASE + args.publishes])
    per_publish = (many - few) / args.publishes
    print(f"{per_publish / 1e6:.2f} million instructions a publish "
          f"({args.publishes} publishes: {few:,} and {many:,} instructions in all)")


if __name__ == "__main__":
    main()
