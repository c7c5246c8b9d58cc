"""Use cases. Plain functions with explicit arguments; each commits once at its end."""
