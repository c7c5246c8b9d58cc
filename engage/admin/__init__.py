from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from engage.admin import (  # noqa: E402,F401
    audit_views,
    outbox_views,
    theme_views,
    users_views,
    views,
)
