"""A bare Flask "hello" app: the yardstick for bench/bench_load.py, served by gunicorn
with the same settings file as the site (deploy/gunicorn.conf.py), on another port.

    gunicorn -c deploy/gunicorn.conf.py --pythonpath bench hello_app:app
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello"
