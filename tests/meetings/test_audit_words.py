"""The meetings' audit details read aloud on the audit log."""

import pytest

from engage import audit_words


@pytest.mark.parametrize(
    ("action", "detail", "words"),
    [
        ("meeting.updated", "changed=starts_at,place", "Changed: date and time, place"),
        ("agenda_item.updated", "changed=lead", "Changed: who introduces it"),
        (
            "meeting.scheduled",
            "body=taskforce on=2027-01-14 series=6",
            "taskforce, 2027-01-14 (one of 6 scheduled together)",
        ),
        ("meeting.scheduled", "body=taskforce on=2027-01-14", "taskforce, 2027-01-14"),
        ("agenda_item.moved", "direction=up position=2", "Moved up to 2"),
        ("paper.uploaded", "item=3 kind=pdf size=1024", "PDF, 1024 bytes, agenda item 3"),
        (
            "attendance.recorded",
            "present=5 substitute=1 apologies=2 absent=0",
            "5 present, 1 substitute attended, 2 apologies, 0 absent",
        ),
        ("action.updated", "from=open to=in_progress", "Open to in progress"),
        ("action.updated", "from=open to=gone", "Open to gone"),
        ("meeting.cancelled", "", ""),
    ],
)
def test_meeting_details_in_words(action, detail, words):
    assert audit_words.detail_words(action, detail) == words


def test_meeting_records_have_names():
    assert audit_words.record_kind("action") == "Meeting action"
    assert audit_words.action_words("attendance.recorded") == "Recorded who attended a meeting"
