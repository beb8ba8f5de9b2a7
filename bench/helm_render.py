"""Benchmark of chart rendering: how long Helm takes on each real chart of the corpus.

For each chart in ``../shared/corpus/charts`` (beside the checkout, or the
folder given as the first argument) it prints the time of one render through
:class:`sdk.helm.isolated.IsolatedRenderer` (a fresh child process, as on the
registry and in ``appstore check``) with the chart's defaults, the number of
manifests, and the time of the whole verification render of a package holding
the chart (defaults plus ``ci/*-values.yaml``, objects parsed). Best of
``--repeat`` runs (3).

Run from the repository root: ``.venv/bin/python bench/helm_render.py``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from plugins.kubernetes_objects import deploy_of  # noqa: E402
from sdk.helm import ValueSet  # noqa: E402
from sdk.helm.isolated import IsolatedRenderer  # noqa: E402
from sdk.package import PackageView  # noqa: E402

T = TypeVar("T")
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "charts"


def chart_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def best(repeat: int, run: Callable[[], T]) -> tuple[float, T]:
    """The shortest time of ``repeat`` runs, and the last run's result."""
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def measure(folder: Path, renderer: IsolatedRenderer, repeat: int) -> str:
    """One line of figures for the chart in ``folder``."""
    files = chart_files(folder)
    seconds, results = best(repeat, lambda: renderer.render(files, folder.name, "bench", [ValueSet("defaults")]))
    package_files = {f"chart/{name}": data for name, data in files.items()}
    manifest = {"id": folder.name, "config": []}
    verify_seconds, deploy = best(repeat, lambda: deploy_of(PackageView(files=dict(package_files),
                                                                        manifest=manifest)))
    return (f"{folder.name:<20} {len(files):>5} {seconds * 1000:>7.0f}ms {len(results[0].manifests):>9} "
            f"{verify_seconds * 1000:>12.0f}ms {len(deploy.objects):>7}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    charts = sorted(p for p in args.corpus.iterdir() if (p / "Chart.yaml").is_file()) if args.corpus.is_dir() else []
    if not charts:
        print(f"no charts in {args.corpus}", file=sys.stderr)
        return 1
    renderer = IsolatedRenderer()
    print(f"{'chart':<20} {'files':>5} {'render':>9} {'manifests':>9} {'verify render':>14} {'objects':>7}")
    for folder in charts:
        print(measure(folder, renderer, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
