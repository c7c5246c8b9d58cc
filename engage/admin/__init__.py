from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from engage.admin import audit_views, outbox_views, users_views, views  # noqa: E402,F401
