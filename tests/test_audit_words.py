"""Every action a service records is described in words on the audit log."""

import ast
from pathlib import Path

import pytest

from engage import audit_words

RECORDERS = {"record", "record_now", "record_by_holder", "_record"}


def recorded_actions() -> set[str]:
    """The action codes passed to audit.record (and its wrappers) anywhere in engage/."""
    found: set[str] = set()
    for path in Path("engage").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name not in RECORDERS:
                continue
            first = node.args[0]
            options = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
            found |= {o.value for o in options if isinstance(o, ast.Constant)}
    return found


def test_every_recorded_action_has_words():
    actions = recorded_actions()
    assert len(actions) > 30  # the walk found the calls
    assert sorted(actions - set(audit_words.ACTIONS)) == []


def test_no_words_for_actions_nobody_records():
    assert sorted(set(audit_words.ACTIONS) - recorded_actions()) == []


@pytest.mark.parametrize(
    ("action", "detail", "words"),
    [
        ("redaction.confirmed", "removed=1 kept=2", "1 piece of personal data removed, 2 left in"),
        ("redaction.added", "type=phone places=2", "phone, in 2 places"),
        ("submission.duplicate", "of=3", "Duplicate of story 3"),
        ("safeguarding.flagged", "flag=4 category=risk_to_life", "Concern 4: Risk to life"),
        ("user.created", "engagement_officer", "Engagement officer"),
        ("group.engagement_recorded", "event_attended", "Attended an event"),
        ("sign_in.failed", "no such account", "No account has that email address"),
        # Anything not in the expected form is shown as written, never dropped.
        ("redaction.confirmed", "an older note", "an older note"),
        ("user.created", "a_role_since_removed", "a_role_since_removed"),
        ("submission.viewed", "", ""),
    ],
)
def test_details_read_aloud(action, detail, words):
    assert audit_words.detail_words(action, detail) == words


def test_an_action_without_words_is_shown_as_its_code():
    assert audit_words.action_words("something.new") == "something.new"
