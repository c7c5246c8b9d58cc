"""The shared-page cache: drawn once per key, each visitor's own tokens put in."""

from engage.page_cache import PageCache


def drawing(counter: list):
    def draw(tokens):
        counter.append(dict(tokens))
        return f"<p>{tokens['csrf']}</p><input value='{tokens['receipt']}'>"

    return draw


def test_a_page_is_drawn_once_per_key_with_each_visitors_tokens():
    cache, draws = PageCache(), []
    first = cache.page("k", drawing(draws), {"csrf": "aaa", "receipt": "r1"})
    second = cache.page("k", drawing(draws), {"csrf": "bbb", "receipt": "r2"})
    assert first == "<p>aaa</p><input value='r1'>"
    assert second == "<p>bbb</p><input value='r2'>"
    assert len(draws) == 1  # the second visitor's page was not drawn again
    assert draws[0]["csrf"].startswith("engage-stand-in-")


def test_another_key_is_another_page():
    cache, draws = PageCache(), []
    cache.page(("en", 1), drawing(draws), {"csrf": "a", "receipt": "r"})
    cache.page(("pl", 1), drawing(draws), {"csrf": "a", "receipt": "r"})
    assert len(draws) == 2 and len(cache) == 2


def test_tokens_are_escaped_where_they_go():
    cache = PageCache()
    html = cache.page("k", drawing([]), {"csrf": "<b>&", "receipt": "'"})
    assert "<b>" not in html and "&lt;b&gt;&amp;" in html and "&#39;" in html


def test_a_page_showing_a_token_twice_or_not_at_all_is_never_shared():
    cache, draws = PageCache(), []

    def twice(tokens):
        draws.append(1)
        return tokens["csrf"] * 2

    assert cache.page("k", twice, {"csrf": "x"}) == "xx"
    assert cache.page("k", twice, {"csrf": "y"}) == "yy"
    assert len(cache) == 0 and len(draws) == 4  # stand-ins, then real, each time

    def missing(tokens):
        return "no token here"

    assert cache.page("m", missing, {"csrf": "x"}) == "no token here"
    assert len(cache) == 0


def test_the_cache_is_bounded_and_forgets_the_oldest():
    cache = PageCache(size=2)
    for key in ("a", "b", "c"):
        cache.page(key, drawing([]), {"csrf": key, "receipt": key})
    assert len(cache) == 2
    draws = []
    cache.page("a", drawing(draws), {"csrf": "a", "receipt": "a"})
    assert len(draws) == 1  # "a" was the oldest, so it was drawn again


def test_size_zero_draws_every_time():
    cache, draws = PageCache(size=0), []
    for _ in range(3):
        assert cache.page("k", drawing(draws), {"csrf": "c", "receipt": "r"}) == (
            "<p>c</p><input value='r'>"
        )
    assert len(draws) == 3 and len(cache) == 0
