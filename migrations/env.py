"""Alembic environment, run through Flask-Migrate (`engage db ...`)."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
# Keep the application's own loggers working after a migration runs in-process.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

engine = current_app.extensions["migrate"].db.engine
config.set_main_option(
    "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
)
target_metadata = current_app.extensions["migrate"].db.metadata


def _configure_args(dialect_name: str) -> dict:
    args = dict(current_app.extensions["migrate"].configure_args)
    args.setdefault("compare_type", True)
    # SQLite can't ALTER most things in place; batch mode copies the table instead.
    args.setdefault("render_as_batch", dialect_name == "sqlite")

    def skip_empty(context_, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    args.setdefault("process_revision_directives", skip_empty)
    return args


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        **_configure_args(engine.dialect.name),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            **_configure_args(connection.dialect.name),
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
