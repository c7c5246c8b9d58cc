"""Rate limits as people meet them: how long to wait, in their own language, and the
form they were sending drawn again with everything they typed (ASVS 11.1.4 without
losing anyone's words)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import timedelta

from flask import request
from flask_babel import format_timedelta
from flask_babel import gettext as _

from engage.extensions import limiter

# endpoint -> a function drawing that page's form again, from what was sent, with a
# message saying when to try again; it returns the page (status 429).
_KEEPERS: dict[str, Callable[[str], object]] = {}


def keeps_typed_when_limited(endpoint: str):
    """Register the function that draws `endpoint`'s form again when a send is refused."""

    def register(draw: Callable[[str], object]) -> Callable[[str], object]:
        _KEEPERS[endpoint] = draw
        return draw

    return register


def wait_time() -> timedelta:
    """Until the longest of the limits this request broke lets it through again, in
    whole minutes, rounded up (it is better to wait a little long than be refused)."""
    breached = [limit for limit in limiter.current_limits if limit.breached]
    if not breached and limiter.current_limit is not None:
        breached = [limiter.current_limit]
    if not breached:
        return timedelta(minutes=1)
    # window: (when the limit resets, requests left), the reset as a precise timestamp.
    seconds = max(limit.window[0] for limit in breached) - time.time()
    return timedelta(minutes=max(1, math.ceil(seconds / 60)))


def when_to_try_again() -> str:
    """'You can try again in 14 minutes.', in the reader's language."""
    when = format_timedelta(wait_time(), granularity="minute", add_direction=True)
    return _("You can try again %(when)s.", when=when)


def refused(response) -> bool:
    """For `deduct_when`: count an attempt that was refused (the form shown again, or a
    4xx), never one that worked (a redirect onwards)."""
    return not 300 <= response.status_code < 400


def keep_typed(error) -> object | None:
    """The page a refused form came from, drawn again, or None to show the 429 page."""
    draw = _KEEPERS.get(request.endpoint or "")
    if draw is None or request.method != "POST":
        return None
    return draw(when_to_try_again())
