"""The safe ways to do what bad/redirects.py does: url_for, safe_next, `_..._url` helpers."""

from flask import Flask, redirect, request, url_for

from engage.redirects import safe_next

app = Flask(__name__)


@app.get("/sign-in")
def sign_in():
    next_url = safe_next(request.args.get("next"), url_for("index"))
    return redirect(next_url)


@app.post("/done")
def done():
    return redirect(safe_next(request.form.get("back"), url_for("index")))


@app.get("/back")
def back():
    return redirect(url_for("index"))


def _story_url(story_id: int, anchor: str | None = None) -> str:
    return url_for("moderation.review", submission_id=story_id, _anchor=anchor)


def _report_url(year: int) -> str | None:
    if year < 2020:
        return None
    return url_for("reports.report", year=year)


@app.get("/story/<int:story_id>")
def story(story_id: int):
    return redirect(_story_url(story_id))


def finish(next_url: str):
    # nosemgrep: engage-redirect-unchecked - every caller passes url_for(...)
    return redirect(next_url)
