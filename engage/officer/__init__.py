from flask import Blueprint

bp = Blueprint("officer", __name__, url_prefix="/officer")

from engage.officer import views  # noqa: E402,F401
