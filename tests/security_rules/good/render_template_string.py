"""The safe way to do what bad/render_template_string.py does."""

from flask import render_template


def greeting(name: str) -> str:
    return render_template("greeting.html", name=name)
