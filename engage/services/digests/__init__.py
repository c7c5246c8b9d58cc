"""Carrying approved stories to the working groups: routing rules, digests and their
issue by email."""
