"""Community groups: registration, verification and their engagement with the
Taskforce."""
