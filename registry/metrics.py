"""Prometheus metrics: request latency, publishes, verification time per plugin, storage errors.

Under ``appstore-registry serve`` each gunicorn worker writes its figures to
files in ``PROMETHEUS_MULTIPROC_DIR`` (a private temporary folder the command
makes), and a scrape of ``GET /metrics`` on any worker sums them all.
``/metrics`` exists only with ``APPSTORE_METRICS=1``; it is meant for a scraper
on the inside network (keep it off the public address at the proxy) and is not
part of the API document.
"""

from __future__ import annotations

import functools
import os
import time
from typing import Any

from flask import Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"

REQUEST_SECONDS = Histogram(
    "appstore_request_seconds", "Time to answer a request, by route (URL rule), method and status.",
    ["route", "method", "status"])
PUBLISHES = Counter("appstore_publishes", "Publish attempts, by outcome (accepted, refused, failed).", ["outcome"])
VERIFICATION_SECONDS = Histogram(
    "appstore_verification_seconds", "Time one verification plugin took on one hook call.", ["plugin"],
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
STORAGE_ERRORS = Counter("appstore_storage_errors", "Artifact store operations that failed, by operation.",
                         ["operation"])


def plugin_timed(plugin: str, seconds: float) -> None:
    """The verification runner's timing callback."""
    _plugin_histogram(plugin).observe(seconds)


@functools.lru_cache(maxsize=1024)
def _plugin_histogram(plugin: str) -> Any:
    """One plugin's histogram, looked up once: a publish times each plugin on each hook call."""
    return VERIFICATION_SECONDS.labels(plugin=plugin)


def publish_counted(outcome: str) -> None:
    PUBLISHES.labels(outcome=outcome).inc()


def storage_failed(operation: str) -> None:
    STORAGE_ERRORS.labels(operation=operation).inc()


def scrape() -> bytes:
    """Every metric in the text format; summed over the workers when they share a folder."""
    if os.environ.get(MULTIPROC_DIR):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest()


def init_app(app: Flask) -> None:
    """Time every request; serve ``/metrics`` when ``METRICS`` is on."""

    @app.before_request
    def start_clock() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def observe(response: Response) -> Response:
        started = g.get("metrics_started")
        if started is not None:
            route = request.url_rule.rule if request.url_rule is not None else "(unmatched)"
            REQUEST_SECONDS.labels(route=route, method=request.method, status=str(response.status_code)).observe(
                time.perf_counter() - started)
        return response

    if app.config["METRICS"]:
        app.add_url_rule("/metrics", "metrics", _metrics_view)


def _metrics_view() -> Response:
    return Response(scrape(), content_type=CONTENT_TYPE_LATEST)

