"""Staff and group contact accounts: creating them, passwords and reset links,
two-step sign-in and lockout."""
