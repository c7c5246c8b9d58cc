from flask import Blueprint

bp = Blueprint("groups", __name__)

from engage.groups import views  # noqa: E402,F401
