"""Examples that the redirect rules must flag."""

from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.get("/sign-in")
def sign_in():
    # ruleid: engage-redirect-from-request, engage-redirect-unchecked
    return redirect(request.args.get("next", "/"))


@app.post("/done")
def done():
    target = request.form["back"]
    # ruleid: engage-redirect-from-request, engage-redirect-unchecked
    return redirect(target)


@app.get("/back")
def back():
    # ruleid: engage-redirect-from-request, engage-redirect-unchecked
    return redirect(request.referrer or url_for("index"))


def finish(next_url: str):
    # ruleid: engage-redirect-unchecked
    return redirect(next_url)


def _story_address(story_id: int) -> str:
    return f"/moderation/{story_id}"


def _story_url(story_id: int) -> str:
    # ruleid: engage-url-helper-not-url-for
    return f"/moderation/{story_id}"


@app.get("/story/<int:story_id>")
def story(story_id: int):
    # ruleid: engage-redirect-unchecked
    return redirect(_story_address(story_id))
