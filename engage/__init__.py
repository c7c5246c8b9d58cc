"""Engage: a Flask application factory."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from engage.config import REPO_ROOT, BaseConfig, config_from_environment
from engage.proxies import TrustedProxies, parse_networks


def create_app(config: BaseConfig | None = None) -> Flask:
    config = config or config_from_environment()
    app = Flask(
        __name__,
        # The design keeps templates/ and static/ at the repository root.
        template_folder=str(REPO_ROOT / "templates"),
        static_folder=str(REPO_ROOT / "static"),
        instance_relative_config=False,
    )
    app.config.from_object(config)
    app.config["ENGAGE_ENV"] = config.ENV_NAME
    # Ids in URLs fit the database's integer columns; a larger number is simply not found.
    from engage.forms import DatabaseIdConverter

    app.url_map.converters["int"] = DatabaseIdConverter

    # X-Forwarded-* is believed only from the proxies configured (engage/proxies.py).
    app.wsgi_app = TrustedProxies(
        app.wsgi_app,
        networks=parse_networks(app.config["TRUSTED_PROXIES"]),
        hops=max(1, app.config["TRUSTED_PROXY_COUNT"]),
    )

    from engage.logs import configure_logging

    configure_logging(app)
    _init_extensions(app)
    _register_request_hooks(app)
    _register_blueprints(app)

    from engage.errors import register_error_handlers
    from engage.i18n import init_i18n
    from engage.page_cache import init_page_cache
    from engage.tasks import init_celery
    from engage.templating import register_template_helpers

    register_error_handlers(app)
    init_i18n(app)
    register_template_helpers(app)
    init_celery(app)
    init_page_cache(app)
    _run_first(app)
    return app


def _run_first(app: Flask) -> None:
    """Hooks that must come before every other one, the extensions' included: refuse
    what no page sends (a clear 4xx), then turn a language switch or an expired page
    into a GET of that page (engage.redraw), so that everything after sees a GET."""
    from engage.redraw import redraw_hook
    from engage.security import refuse_unreadable_requests

    app.before_request_funcs.setdefault(None, [])[:0] = [refuse_unreadable_requests, redraw_hook]


def _init_extensions(app: Flask) -> None:
    from flask_babel import gettext

    from engage.extensions import csrf, db, limiter, login_manager, migrate
    from engage.i18n import N_
    from engage.services.accounts.accounts import load_user_by_session_id

    db.init_app(app)
    migrate.init_app(app, db, directory=str(REPO_ROOT / "migrations"), compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    # Translated when flashed (the page's language is known only then).
    login_manager.login_message = N_("Sign in to see that page.")
    login_manager.localize_callback = gettext
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user_by_session_id)


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, _record) -> None:
    """SQLite ignores foreign keys unless asked; PostgreSQL always enforces them. Erased
    words are overwritten in the file, not just unlinked (secure_delete), so neither the
    database file nor a backup of it keeps them in free pages, whatever SQLite's build."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()


def _register_request_hooks(app: Flask) -> None:
    from engage.delivery_hooks import register_delivery_hooks
    from engage.permissions import enforce_access
    from engage.security import register_security

    # Order matters: expire stale sessions before deciding access.
    register_security(app)
    app.before_request(enforce_access)
    register_delivery_hooks(app)


def _register_blueprints(app: Flask) -> None:
    from engage.accountability import bp as accountability_bp
    from engage.admin import bp as admin_bp
    from engage.auth import bp as auth_bp
    from engage.commitments import bp as commitments_bp
    from engage.digests import bp as digests_bp
    from engage.evidence import bp as evidence_bp
    from engage.figures import bp as figures_bp
    from engage.groups import bp as groups_bp
    from engage.meeting_packs import bp as packs_bp
    from engage.meetings import bp as meetings_bp
    from engage.moderation import bp as moderation_bp
    from engage.officer import bp as officer_bp
    from engage.public import bp as public_bp
    from engage.registers import bp as registers_bp
    from engage.reports import bp as reports_bp
    from engage.routing import bp as routing_bp
    from engage.staff import bp as staff_bp
    from engage.stories import bp as stories_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(stories_bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(officer_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(routing_bp)
    app.register_blueprint(digests_bp)
    app.register_blueprint(packs_bp)
    app.register_blueprint(accountability_bp)
    app.register_blueprint(commitments_bp)
    app.register_blueprint(registers_bp)
    app.register_blueprint(evidence_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(figures_bp)
