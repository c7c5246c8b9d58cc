"""The lawful bases the data protection officer can choose for each purpose (set in
configuration, see engage.config), in words the privacy page shows in the reader's
language. Any other wording in the configuration is shown as written, in English."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

BASES = {
    "consent": _l("Consent (UK GDPR Article 6(1)(a))"),
    "explicit_consent": _l("Explicit consent (UK GDPR Articles 6(1)(a) and 9(2)(a))"),
    "public_task": _l("Public task (UK GDPR Article 6(1)(e))"),
    "public_task_equality": _l(
        "Public task, with the substantial public interest condition for equality of "
        "opportunity or treatment (UK GDPR Articles 6(1)(e) and 9(2)(g); Data Protection "
        "Act 2018, Schedule 1, paragraph 8)"
    ),
}

PURPOSES = {
    "store": _l("Storing and analysing stories"),
    "quote": _l("Quoting anonymously"),
    "share": _l("Sharing with working groups"),
    "contact": _l("Contacting residents"),
    "equality": _l("Equality monitoring"),
}


def rows(configured: dict[str, str]) -> list[tuple[object, object, bool]]:
    """(purpose, basis, translated) for the privacy page, in the purposes' order;
    `translated` is False for wording the configuration gives in its own words."""
    result = []
    for purpose, words in PURPOSES.items():
        setting = configured.get(purpose, "")
        basis = BASES.get(setting)
        result.append((words, basis if basis is not None else setting, basis is not None))
    return result
