"""Use cases. Plain functions with explicit arguments; each commits once at its end.

Grouped by domain:
- accounts/   staff and group contact accounts, passwords, two-step sign-in;
- stories/    residents' stories: intake, tagging and moderation;
- community/  community groups;
- register/   the Taskforce's bodies and their members;
- common/     transactions, the audit log, the outbox, paging, reference data, keys.
"""
