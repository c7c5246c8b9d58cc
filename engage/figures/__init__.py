"""The public figures and open data, and "you said, we did": pages anyone can read."""

from flask import Blueprint

# No url_prefix: the figures live under /figures/ and "you said, we did" at the top.
bp = Blueprint("figures", __name__)

from engage.figures import views  # noqa: E402,F401
