from flask import Blueprint

bp = Blueprint("commitments", __name__, url_prefix="/commitments")

from engage.commitments import views  # noqa: E402,F401
