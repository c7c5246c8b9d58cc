"""The register of the Taskforce's bodies and their members, and how the membership
compares with the terms of reference."""
