from flask import Blueprint

bp = Blueprint("stories", __name__)

from engage.stories import receipt_views, views  # noqa: E402,F401
