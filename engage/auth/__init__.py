from flask import Blueprint

bp = Blueprint("auth", __name__)

from engage.auth import password_views, views  # noqa: E402,F401
