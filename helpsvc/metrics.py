"""Prometheus metrics: how the service is doing, never what anyone typed.

Labels are route names, status codes and fixed reasons only: no query text, no
article text, no address. With several worker processes, set
PROMETHEUS_MULTIPROC_DIR (``helpsvc serve --workers N`` does) and /metrics adds
up every worker's figures.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess

REQUESTS = Counter("helpsvc_requests_total", "HTTP requests by route and status.", ["route", "method", "status"])
LATENCY = Histogram(
    "helpsvc_request_seconds", "Time to answer a request, by route.", ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
SEARCHES = Counter("helpsvc_searches_total", "Searches answered.")
ZERO_RESULTS = Counter("helpsvc_zero_result_searches_total", "Searches that found nothing.")
FEEDBACK = Counter("helpsvc_feedback_total", "Feedback submissions by outcome.", ["outcome"])
SPAM = Counter("helpsvc_spam_rejected_total", "Submissions turned away as spam or abuse, by reason.", ["reason"])
SCRUB_FAILURES = Counter("helpsvc_scrub_failures_total", "Texts dropped because scrubbing failed.")
SCRUB_BACKLOG_FULL = Counter(
    "helpsvc_scrub_backlog_full_total",
    "Search events stored without their query because too many new queries were already waiting for the scrubber.",
)
SEARCH_SLOW_PATH = Counter(
    "helpsvc_search_slow_path_total",
    "Times search or a build took a slower path than precomputed or block-at-a-time scores, by fixed reason"
    " (see helpsvc/search/whoosh_internals.py).",
    ["reason"],
)
EVENTS_DROPPED = Counter("helpsvc_events_dropped_total", "Search, click and view events the database refused, dropped one by one.")
STORE_WRITE = Histogram(
    "helpsvc_store_write_seconds", "Time to commit a batch of writes.",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
)
INDEX_BUILD = Gauge(
    "helpsvc_index_build_info", "The index build this process serves (value 1).", ["build_id"],
    multiprocess_mode="liveall",
)


def render() -> bytes:
    """The text exposition of every metric, across worker processes when they share a folder."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest()


def serving_build(build_id: str) -> None:
    INDEX_BUILD.clear()
    INDEX_BUILD.labels(build_id=build_id).set(1)
