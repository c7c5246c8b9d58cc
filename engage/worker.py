"""Celery entry point: `celery -A engage.worker worker` and `celery -A engage.worker beat`."""

from engage import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
