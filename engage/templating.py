"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from flask import Flask, request
from flask_babel import format_decimal
from flask_login import current_user

from engage import labels
from engage.clock import format_date, format_month, format_time
from engage.models import Purpose
from engage.models.submissions import CHANGE_MAX_LENGTH, STORY_MAX_LENGTH
from engage.navigation import links_for
from engage.redraw import redraw_reason
from engage.reference_labels import translated
from engage.services.community.groups import COMMUNITIES_MAX_LENGTH
from engage.services.stories.moderation import REASON_MAX_LENGTH, SUMMARY_MAX_LENGTH
from engage.services.stories.safeguarding import CONCERN_MAX_LENGTH

# The most characters each long text box takes, said beside the box before anyone types.
TEXT_LIMITS = {
    "story": STORY_MAX_LENGTH,
    "what_to_change": CHANGE_MAX_LENGTH,
    "communities_served": COMMUNITIES_MAX_LENGTH,
    "summary": SUMMARY_MAX_LENGTH,
    "reason": REASON_MAX_LENGTH,
    "concern": CONCERN_MAX_LENGTH,
}


def language_name(code: str | None) -> str:
    # Imported when first used: the detector's library stays out of pages that don't.
    from engage.nlp.language import name_of

    return name_of(code)


def this_page_url(**args: str) -> str:
    """A link to the page being shown, its query kept, with `args` set on it. Only the
    query is written ("?lang=pl"): the browser keeps the page's own path, so nothing in
    an odd address ("//x", "/\\x") can make the link leave the site."""
    query = request.args.to_dict(flat=False)
    query.pop("lang", None)
    query.update({name: [value] for name, value in args.items()})
    return "?" + urlencode([(k, v) for k, values in query.items() for v in values])


def chart_rows(block: dict) -> list[list]:
    """A chart's numbers as table rows: one per label, a column per series."""
    return [
        [label, *(series["values"][i] for series in block["series"])]
        for i, label in enumerate(block["labels"])
    ]


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["time"] = format_time
    app.jinja_env.filters["month"] = format_month
    app.jinja_env.filters["id_of"] = id
    app.jinja_env.globals["chart_rows"] = chart_rows
    app.jinja_env.filters["channel_label"] = lambda code: labels.label(labels.CHANNEL, code, "")
    app.jinja_env.filters["number"] = format_decimal
    app.jinja_env.filters["translated"] = translated
    app.jinja_env.globals["limits"] = TEXT_LIMITS
    # A period's end is the first moment after it: its last day is a second before.
    app.jinja_env.globals["one_second"] = timedelta(seconds=1)
    app.jinja_env.globals["this_page_url"] = this_page_url
    app.jinja_env.globals["redraw_reason"] = redraw_reason
    app.jinja_env.globals["channel_labels"] = labels.CHANNEL
    app.jinja_env.globals["labels"] = labels
    app.jinja_env.filters["language_name"] = language_name
    app.jinja_env.globals["purpose_enum"] = Purpose
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def navigation():
        return {"nav_items": links_for(current_user), "site_name": "Engage"}
