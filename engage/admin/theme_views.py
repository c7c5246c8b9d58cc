"""How often officers agree with the theme model's suggestions, for administrators: so
a model drifting away from how officers read stories is seen before anyone complains."""

from __future__ import annotations

from flask import render_template

from engage.admin import bp
from engage.permissions import ADMIN_ROLES, require_role
from engage.services.stories import theme_agreement


@bp.get("/theme-suggestions")
@require_role(*ADMIN_ROLES)
def theme_suggestions():
    return render_template(
        "admin/theme_agreement.html",
        report=theme_agreement.agreement(),
        days=theme_agreement.WINDOW_DAYS,
        title="How often officers agree with the theme suggestions",
    )
