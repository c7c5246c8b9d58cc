"""Accountability: indicators and their measurements, the decisions log and "you said,
we did", commitments, registers and the Taskforce's housekeeping."""
