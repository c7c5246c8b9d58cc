from flask import Blueprint

bp = Blueprint("digests", __name__, url_prefix="/digests")

from engage.digests import views  # noqa: E402,F401
