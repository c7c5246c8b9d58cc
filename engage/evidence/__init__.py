from flask import Blueprint, request

bp = Blueprint("evidence", __name__, url_prefix="/evidence")

# A CSV may be up to 2 MB (engage.services.evidence.validation.MAX_BYTES). The request
# limit is raised for the upload page alone, before anything reads the request, so a
# file a few times too large is refused in words beside the field, not by an error page.
UPLOAD_REQUEST_LIMIT = 8 * 1024 * 1024


@bp.url_value_preprocessor
def _allow_uploads(endpoint, values):
    if endpoint == "evidence.upload" and request.method == "POST":
        request.max_content_length = UPLOAD_REQUEST_LIMIT


from engage.evidence import views  # noqa: E402,F401
