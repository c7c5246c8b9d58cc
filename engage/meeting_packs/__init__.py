from flask import Blueprint

bp = Blueprint("packs", __name__, url_prefix="/packs")

from engage.meeting_packs import views  # noqa: E402,F401
