"""JSON logs with a request id. Ids only: never story text, names or contact details."""

from __future__ import annotations

import json
import logging
import sys
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

# Attributes every LogRecord has; anything else was passed in `extra`.
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line; json.dumps escapes newlines, so log lines can't be forged."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        if has_request_context():
            entry["request_id"] = getattr(g, "request_id", None)
            entry["method"] = request.method
            entry["path"] = request.path
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("engage")
    root.handlers[:] = [handler]
    root.setLevel(app.config["LOG_LEVEL"])
    # Tests capture through the root logger (caplog); propagate there too.
    root.propagate = app.testing

    @app.before_request
    def assign_request_id() -> None:
        g.request_id = uuid.uuid4().hex

    @app.after_request
    def expose_request_id(response):
        response.headers["X-Request-ID"] = getattr(g, "request_id", "")
        return response
