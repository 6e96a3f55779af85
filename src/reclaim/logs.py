"""Structured logs: one JSON object per line, with the request id, and nothing personal.

What is logged is chosen field by field (route templates, not raw paths; no query strings, no
client addresses, no form values), so personal data and secrets cannot slip in by accident.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

request_id_var: ContextVar[str | None] = ContextVar("reclaim_request_id", default=None)

_RESERVED = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            # The exception type only: messages and tracebacks can carry personal data.
            entry["error"] = record.exc_info[0].__name__
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        extra = {
            k: v for k, v in record.__dict__.items() if k not in _RESERVED and not k.startswith("_")
        }
        request_id = request_id_var.get()
        prefix = f"[{request_id}] " if request_id else ""
        fields = " ".join(f"{k}={v}" for k, v in extra.items())
        return (
            f"{record.levelname:<7} {record.name}: {prefix}{record.getMessage()} {fields}".rstrip()
        )


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger("reclaim")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
    # Uvicorn's own access log prints raw paths and client addresses: ours replaces it.
    logging.getLogger("uvicorn.access").disabled = True
