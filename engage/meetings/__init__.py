from flask import Blueprint, request

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

# A paper may be up to 10 MB, more than the site takes in any other request. The limit
# is raised for the upload page alone, before anything reads the request (URL value
# preprocessors run ahead of every before_request hook, including the one that checks
# forms for unreadable input). The service refuses a file over 10 MB in words; only a
# request far larger gets the "too large" page.
PAPER_REQUEST_LIMIT = 16 * 1024 * 1024


@bp.url_value_preprocessor
def _allow_paper_uploads(endpoint, values):
    if endpoint == "meetings.upload_paper" and request.method == "POST":
        request.max_content_length = PAPER_REQUEST_LIMIT


from engage.meetings import views  # noqa: E402,F401
