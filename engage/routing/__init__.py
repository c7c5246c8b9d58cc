from flask import Blueprint

bp = Blueprint("routing", __name__, url_prefix="/routing")

from engage.routing import views  # noqa: E402,F401
