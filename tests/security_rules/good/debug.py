"""The safe way: debug stays off everywhere (bad/debug.py turns it on)."""

from flask import Flask

app = Flask(__name__)
app.config["DEBUG"] = False


class LocalConfig:
    DEBUG = False


if __name__ == "__main__":
    app.run(host="127.0.0.1")
