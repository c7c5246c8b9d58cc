"""Pages that are the same for every visitor but for a token or two, drawn once.

The story form is the page residents open most, and drawing its widgets and option
lists was most of its cost (issue 14: 4.4 ms against 0.6 ms for the start page). Opened
afresh (nothing typed, no errors, nobody signed in), it differs between visitors only in
its tokens, so it is drawn once per key with stand-ins for them, and each visitor's own
tokens are put in place of the stand-ins. Whatever the key leaves out must not change
the page: the caller puts in it everything the page is drawn from (language, notice
version, the reference data it lists). Anything not opened afresh is drawn as usual.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app
from markupsafe import escape

# Keys are few (languages x ages x notice versions); the bound only guards against a
# key that grows by mistake.
DEFAULT_SIZE = 64


class PageCache:
    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._pages: OrderedDict[Hashable, tuple[str, dict[str, str]]] = OrderedDict()
        self._lock = threading.Lock()

    def page(
        self, key: Hashable, draw: Callable[[dict[str, str]], str], tokens: dict[str, str]
    ) -> str:
        """The page for `key` with `tokens` in it. `draw(values)` draws the page with
        `values` where the tokens go; each value must appear in it exactly once."""
        if self.size <= 0:
            return draw(tokens)
        with self._lock:
            entry = self._pages.get(key)
            if entry is not None:
                self._pages.move_to_end(key)
        if entry is None:
            stand_ins = {name: f"engage-stand-in-{secrets.token_hex(16)}" for name in tokens}
            html = draw(stand_ins)
            if any(html.count(stand_in) != 1 for stand_in in stand_ins.values()):
                # A token shown twice, or not at all: this page can't be shared safely.
                return draw(tokens)
            entry = (html, stand_ins)
            with self._lock:
                self._pages[key] = entry
                while len(self._pages) > self.size:
                    self._pages.popitem(last=False)
        html, stand_ins = entry
        for name, stand_in in stand_ins.items():
            html = html.replace(stand_in, str(escape(tokens[name])))
        return html

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()

    def __len__(self) -> int:
        return len(self._pages)


def init_page_cache(app) -> None:
    app.extensions["page_cache"] = PageCache(app.config.get("PAGE_CACHE_SIZE", DEFAULT_SIZE))


def page_cache() -> PageCache:
    return current_app.extensions["page_cache"]
