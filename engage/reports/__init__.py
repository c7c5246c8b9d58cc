from flask import Blueprint

# Staff pages under /reports/, the public's under /progress-reports/.
bp = Blueprint("reports", __name__)

from engage.reports import views  # noqa: E402,F401
