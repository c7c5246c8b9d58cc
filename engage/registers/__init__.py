from flask import Blueprint

bp = Blueprint("registers", __name__, url_prefix="/registers")

from engage.registers import views  # noqa: E402,F401
