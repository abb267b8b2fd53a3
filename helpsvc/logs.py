"""Logging: plain lines or JSON lines, and never an address, a user agent or a reader's text.

Access logs are off (they carry client addresses). Our own log calls name
routes, build ids and exception types, not request data; the filter below is
a second line of defence that masks anything shaped like an IP address.
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6 = re.compile(r"\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{1,4}\b")


class NoAddresses(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.error" and str(record.msg).startswith("Uvicorn running on"):
            return True  # our own listening address, which operators need to see
        message = record.getMessage()
        masked = _IPV6.sub("[address]", _IPV4.sub("[address]", message))
        if masked != message:
            record.msg, record.args = masked, None
        return True


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=False)


def config(json_lines: bool, level: str = "INFO") -> dict[str, Any]:
    """A logging dictConfig for our loggers and uvicorn's (uvicorn.run takes it as log_config)."""
    formatter = {"()": JsonLines} if json_lines else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    handler = {"class": "logging.StreamHandler", "formatter": "main", "filters": ["no_addresses"], "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"no_addresses": {"()": NoAddresses}},
        "formatters": {"main": formatter},
        "handlers": {"main": handler},
        "root": {"handlers": ["main"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": ["main"], "level": level, "propagate": False},
            "uvicorn.error": {"handlers": ["main"], "level": level, "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }
