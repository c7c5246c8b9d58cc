"""Meetings of the Taskforce and its groups, as the secretariat runs them.

- `meetings`: scheduling (one meeting, or a year's in one step), editing, cancelling,
  and `previous_meeting`.
- `agenda`: agenda items in order, and the papers attached to them.
- `attendance`: who came (a substitute in a representative's seat counts for the seat),
  quorum, and attendance rates over a year.
- `minutes`: minutes and decisions.
- `actions`: actions raised at a meeting and carried to each later one until closed
  (`open_at`).
- `forward_plan`: the next meetings, with what is due at each.

Every change writes an audit row in its transaction; who acts is passed in."""
