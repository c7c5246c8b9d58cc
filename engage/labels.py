"""The words people read for the codes Engage stores: the same words the forms used, in
the reader's language. Codes stay in the database and in machine-readable downloads;
pages show these."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from engage.equality import QUESTIONS
from engage.services.stories.intake import HEARD_ABOUT

STATUS = {
    "received": _l("Received: waiting to be read"),
    "approved": _l("Read and in use"),
    "rejected": _l("Read: not shared further"),
    "duplicate": _l("Read: the same as another story"),
    "withdrawn": _l("Withdrawn and deleted"),
}

CHANNEL = {
    "web": _l("Online form"),
    "group": _l("Through a community group"),
    "officer_event": _l("Given to an officer at an event"),
    "officer_phone": _l("Given to an officer by phone"),
}

AGE_GROUP = {
    "under_13": _l("Under 13"),
    "13_17": _l("13 to 17"),
    "18_plus": _l("18 or over"),
}

# As the story form and the "what you agreed to" list word them.
PURPOSE = {
    "store": _l("Store and analyse my story"),
    "quote": _l("Quote my words, without my name"),
    "share": _l("Share it with the working groups"),
    "contact": _l("Contact me about it"),
    "equality": _l("Use my equality answers"),
}

HEARD = dict(HEARD_ABOUT)

# Each equality question's answers: {field: {code: label}}, and its question.
EQUALITY_ANSWERS = {question.field: dict(question.options) for question in QUESTIONS}
EQUALITY_QUESTIONS = {question.field: question.text for question in QUESTIONS}


def label(table: dict, code: str | None, missing: object = None) -> object:
    """The words for a code; a code with no words (should one ever be added without
    them) shows as itself rather than breaking the page."""
    if code is None:
        return missing
    return table.get(code, code)
