"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Sync workers: each request is short (a page or a form post) and the database does the
waiting, so threads or async workers would add risk for little gain. The usual
(2 x cores) + 1 rule over-commits a small machine that also runs PostgreSQL, Redis and
the Celery worker, so the default is one worker per core (measured in bench/bench_load.py).
Every setting can be changed with the environment variable named beside it.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = "sync"
# A request that takes longer than this is killed and its worker replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 2
# Workers are replaced after this many requests (with jitter), so slow growth in memory
# can never build up; 0 turns it off.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# The reverse proxy on the same machine is the only client allowed to set scheme and
# address headers; the app's own ProxyFix (TRUSTED_PROXIES) decides the client address.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Access logs carry the path and status only: query strings may hold codes or tokens.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Load the app (and the theme model) once in the master; workers share its pages of memory.
preload_app = True


def post_fork(server, worker):
    """A forked worker must not share the master's database connections."""
    import wsgi
    from engage.extensions import db

    with wsgi.app.app_context():
        db.engine.dispose(close=False)
