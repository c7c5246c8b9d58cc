from flask import Blueprint, request

bp = Blueprint("accountability", __name__, url_prefix="/accountability")

# Evidence documents may be up to 10 MB, more than other requests: the limit is raised
# for that upload alone, before anything reads the request (as for meeting papers).
DOCUMENT_REQUEST_LIMIT = 16 * 1024 * 1024


@bp.url_value_preprocessor
def _allow_document_uploads(endpoint, values):
    if endpoint == "accountability.add_document" and request.method == "POST":
        request.max_content_length = DOCUMENT_REQUEST_LIMIT


from engage.accountability import views  # noqa: E402,F401
