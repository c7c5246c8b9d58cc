"""A meeting paper sent to the browser: always as an attachment under a safe name, never
shown inline (it came from an upload). Shared by the meetings and packs pages."""

from __future__ import annotations

import io

from flask import Response, send_file

from engage.services.meetings import agenda


def paper_response(paper) -> Response:
    return send_file(
        io.BytesIO(paper.content),
        mimetype=paper.content_type,
        as_attachment=True,
        download_name=agenda.download_name(paper),
        max_age=0,
    )
