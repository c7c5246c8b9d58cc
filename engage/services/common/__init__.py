"""What every part uses: one transaction per action, the audit log, the outbox,
paging, reference data, encryption keys and contact-detail checks."""
