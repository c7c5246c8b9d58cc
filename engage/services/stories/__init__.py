"""Residents' stories from arrival to decision: taking a story in with its consents
(intake, receipts, privacy notices, residents' sessions), tagging it, and the
officers' moderation (claims, redaction, themes, decisions, safeguarding)."""
