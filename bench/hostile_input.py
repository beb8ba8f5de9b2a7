"""Benchmark of hostile input: adversarial text and packages against the checks.

Three parts, each printing figures:

1. the ``${...}`` renderer on 1 MB texts built to make a backtracking regex
   slow (``${${${...``, unclosed placeholders, one huge name);
2. every regex or matcher that sees package or request text, on a 1 MB input
   built against it (long runs of what its repetitions accept, ending in a
   character that makes the match fail);
3. work per package: 30,000 ConfigMaps (about 500 KiB compressed) and a 2 KB
   Deployment whose 30,000 aliased containers each draw findings, verified
   with no work limits (as before the limits existed) and with the defaults
   (``sdk.budget.WorkLimits``): time, findings kept and their size as JSON.

The target of parts 1 and 2 is under 100 ms per input.

Run from the repository root: ``.venv/bin/python bench/hostile_input.py``
(``--skip-packages`` leaves out part 3, which takes about a minute).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from plugins import kubernetes_services  # noqa: E402
from plugins.kubernetes_images import DIGEST  # noqa: E402
from plugins.manifest_schema import CONFIG_NAME  # noqa: E402
from plugins.publiccode import formats, languages  # noqa: E402
from registry.errors import InvalidInput  # noqa: E402
from registry.services import identifiers, listing_input  # noqa: E402
from sdk import libyaml_events, profiles, version_ranges  # noqa: E402
from sdk.budget import WorkLimits  # noqa: E402
from sdk.checking import check_path  # noqa: E402
from sdk.installs import ENV_REF  # noqa: E402
from sdk.jsonstream import load_json_stream  # noqa: E402
from sdk.manifest import SLUG_PATTERN, is_slug  # noqa: E402
from sdk.render import NAME, render_text  # noqa: E402
from sdk.versions import parse_version  # noqa: E402
from tests import factories  # noqa: E402

MB = 1024 * 1024
TARGET_MS = 100.0
NO_LIMITS = WorkLimits(max_documents=10**9, max_findings_per_code=10**9, max_seconds=10**9)


def fill(unit: str, end: str = "") -> str:
    """``unit`` repeated to 1 MB, then ``end``."""
    return unit * (MB // len(unit)) + end


def _longest_range(unit: str) -> str:
    """``unit`` repeated to the longest range allowed, ending in a character that fails it."""
    return (unit * (version_ranges.MAX_LENGTH // len(unit) + 1))[: version_ranges.MAX_LENGTH - 1] + "!"


RENDER_INPUTS = {
    "${ repeated, one line": fill("${"),
    "$${ repeated, one line": fill("$${"),
    "${x unclosed, one line": fill("${x"),
    "${ repeated, 64 per line": fill("${" * 64 + "\n"),
    "${${${...}}} nested, one line": "${" * (MB // 4) + "}" * (MB // 4),
    "one 1 MB invalid name": "${" + fill("-") + "}",
}
#: Dense placeholders: linear, but every placeholder costs Python work (about 1 us,
#: more when it becomes a finding); figures in microseconds per placeholder.
DENSE_INPUTS = {
    "${value} placeholders, filled": (fill("${value}"), MB // 8),
    "${a} placeholders, undeclared": (fill("${a}"), MB // 4),
}

#: (what, matcher, 1 MB input built against it)
MATCHERS: list[tuple[str, Callable[[str], Any], str]] = [
    ("manifest id (is_slug)", is_slug, fill("a-", "!")),
    ("manifest id pattern, 64 characters", SLUG_PATTERN.match, "a-" * 32 + "!"),
    ("config name (CONFIG_NAME)", CONFIG_NAME.match, fill("a", "-")),
    ("placeholder name (render NAME)", NAME.match, fill("a", "-")),
    ("profile custom kind, version", profiles._short(profiles._CUSTOM_KIND, 320), "v" + fill("1", "!")),
    ("profile custom kind, group", profiles._short(profiles._CUSTOM_KIND, 320), fill("a.", "!")),
    ("profile custom kind pattern, 320 chars", profiles._CUSTOM_KIND.match, "v" + "1" * 320 + "!"),
    ("profile check code", profiles._short(profiles._CODE, 120), fill("a-a.", "!")),
    ("profile Kubernetes minor", profiles._short(profiles._MINOR, 8), "1." + fill("1", "x")),
    ("Kubernetes minor (is_minor_version)", profiles.is_minor_version, "1." + fill("1", "x")),
    ("environment ORG/ENV", ENV_REF.match, fill("a-", "/!")),
    ("image digest", DIGEST.match, "sha256:" + fill("a")),
    ("language tag", languages.is_language_tag, "en-" + fill("a1b2c-", "!")),
    ("language tag, 128 characters", languages._LANGTAG.match, "en-" + "a1b2c-" * 20 + "!"),
    ("URL scheme", formats._SCHEME.match, fill("a")),
    ("MIME type", formats._MIME.match, fill(" ", "!")),
    ("URN", formats._URN.match, "urn:a:" + fill("a", " ")),
    ("date", formats._DATE.match, fill("1")),
    ("iPA code", formats._IPA_CODE.match, fill("a")),
    ("oEmbed video URL", formats.is_oembed_video, "https://" + fill(".youtube.com/watch", "\n")),
    ("oEmbed video URL, no newline", formats.is_oembed_video, "https://www.slideshare.net/" + fill("/x")),
    ("grapheme count, up to a 10,000 limit", lambda s: formats.length(s, 10_000), fill("e\u0301")),
    ("grapheme count, ASCII", formats.length, fill("a\r\n")),
    ("service address schemes", kubernetes_services._schemes, fill("a.")),
    ("service address schemes, many URLs", kubernetes_services._schemes, fill("xs3://")),
    ("service address schemes, long run", kubernetes_services._schemes, fill("s", "3://")),
    ("listing e-mail", lambda s: _listing_email(s), "a@" + fill("a.", "1")),
    ("listing e-mail pattern, 254 characters", listing_input._EMAIL.fullmatch, "a@" + "a." * 125 + "1"),
    ("YAML fast path: block indicators", libyaml_events._COMMENT_AFTER_INDICATOR.search, fill("|-+0123")),
    ("YAML fast path: anchor runs", libyaml_events._NAME_BEFORE_COLON.search, "&" + fill("a")),
    ("YAML fast path: many anchors", libyaml_events._NAME_BEFORE_COLON.search, fill("&a ")),
    ("YAML fast path: whole check", libyaml_events.check_suitable, fill("- *a >-\n")),
    ("listing phone", listing_input._PHONE.fullmatch, fill("1 ", "x")),
    ("listing link", lambda s: _listing_url(s), "https://" + fill("1.", "-")),
    ("listing host pattern, 500 characters", listing_input._HOST.fullmatch, "1." * 250 + "-"),
    ("listing control characters", listing_input._CONTROL.search, fill("a")),
    ("OIN", identifiers._OIN.fullmatch, fill("1")),
    ("JSON stream, deep nesting", lambda s: _safely(load_json_stream, s, 10), fill('{"a":')),
    ("version (semver)", parse_version, "1.0.0-" + fill("1", "!")),
    ("version, longest", parse_version, "1.0.0-" + "a1." * 83 + "!"),
    ("version range", lambda s: _safely(version_ranges.parse, s), fill(">=1.0.0 ", "!")),
    ("version range, longest: comparators", lambda s: _safely(version_ranges.parse, s), _longest_range(">=1.0.0 ")),
    ("version range, longest: alternatives", lambda s: _safely(version_ranges.parse, s), _longest_range("1.x || ")),
    ("version range, longest: pre-release", lambda s: _safely(version_ranges.parse, s),
     "1.0.0-" + _longest_range("a.")[6:]),
    ("version range, longest: hyphens", lambda s: _safely(version_ranges.parse, s), _longest_range("1 - ")),
]


def _listing_email(text: str) -> Any:
    return _safely(listing_input.read_listing, {"contact": {"email": text}})


def _listing_url(text: str) -> Any:
    return _safely(listing_input.read_listing, {"contact": {"url": text}})


def _safely(function: Callable[..., Any], *args: Any) -> Any:
    try:
        return function(*args)
    except (ValueError, RecursionError, InvalidInput) as exc:
        return exc


def best_ms(function: Callable[[], Any], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def report(rows: list[tuple[str, float]]) -> int:
    slow = 0
    for what, ms in rows:
        mark = "" if ms < TARGET_MS else "   <-- over target"
        slow += ms >= TARGET_MS
        print(f"  {what:<40} {ms:9.1f} ms{mark}")
    return slow


def bench_render() -> int:
    print("Renderer, 1 MB inputs:")
    values = {"value": "zaken.example.nl"}
    slow = report([(what, best_ms(lambda t=text: render_text(t, values))) for what, text in RENDER_INPUTS.items()])
    for what, (text, count) in DENSE_INPUTS.items():
        ms = best_ms(lambda t=text: render_text(t, values), runs=1)
        print(f"  {what:<40} {ms:9.1f} ms  ({count} placeholders, {ms * 1000 / count:.1f} us each; linear)")
    return slow


def bench_matchers() -> int:
    print("Validators, 1 MB inputs:")
    return report([(what, best_ms(lambda m=matcher, t=text: m(t))) for what, matcher, text in MATCHERS])


CONFIGMAP = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: settings-{n}, labels: {{app: zaken}}}}\n"
             "data: {{key: \"{key}\"}}\n")
ALIASED = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: fan}
spec:
  selector: {matchLabels: {app: fan}}
  template:
    metadata: {labels: {app: fan}}
    spec:
      containers: [&c {name: c, image: "nginx:latest"}, %s]
"""


def hostile_packages() -> dict[str, dict[str, bytes]]:
    many = "---\n".join(CONFIGMAP.format(n=n, key=hashlib.sha256(b"%d" % n).hexdigest()[:20])
                         for n in range(30_000))
    fan = ALIASED % ", ".join(["*c"] * 30_000)
    return {
        "30,000 ConfigMaps": factories.package_files(**{"deploy__many.yaml": many}),
        "30,000 aliased containers": factories.package_files(**{"deploy__fan.yaml": fan}),
    }


def bench_packages() -> None:
    print("Work per package (verification and the platform checks, as `appstore check` runs them):")
    for what, files in hostile_packages().items():
        with tempfile.TemporaryDirectory() as folder:
            archive = Path(folder) / "package.tar.gz"
            archive.write_bytes(factories.tar_gz(files))
            size = archive.stat().st_size
            for label, limits in (("no limits", NO_LIMITS), ("default limits", WorkLimits())):
                start = time.perf_counter()
                result = check_path(archive, limits=limits)
                seconds = time.perf_counter() - start
                findings = list(result.findings) + [f for c in result.compatibility for f in c.findings]
                stored = len(json.dumps([f.to_dict() for f in findings]))
                codes = sorted({f.code for f in result.findings if f.is_error})[:3]
                print(f"  {what} ({size / 1024:.1f} KiB), {label}: {seconds:6.2f} s, {len(findings)} findings "
                      f"({stored / 1024:.0f} KiB as JSON), accepted={result.accepted} {', '.join(codes)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-packages", action="store_true", help="leave out the package benchmarks")
    args = parser.parse_args()
    slow = bench_render() + bench_matchers()
    if not args.skip_packages:
        bench_packages()
    print(f"{slow} input(s) over the {TARGET_MS:.0f} ms target.")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
