"""The `engage` command: Flask's commands (run, db ...) plus the project's own."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from engage.models import Role
from engage.services import accounts, demo
from engage.services.transaction import ServiceError


def _create_app():
    from engage import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """Engage: run the site and look after its data."""


@main.group()
def users() -> None:
    """Manage staff accounts."""


@users.command("create")
@click.option("--email", required=True, help="Their email address; they sign in with it.")
@click.option("--name", "display_name", required=True, help="The name shown in the site.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.ADMIN.value,
    show_default=True,
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input instead of prompting.",
)
@with_appcontext
def create_user(email: str, display_name: str, role: str, password_stdin: bool) -> None:
    """Create an account, for example the first administrator."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(
            email=email, display_name=display_name, password=password, role=Role(role)
        )
    except ServiceError as error:
        for field, message in error.errors.items():
            click.echo(f"{field}: {message}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Created account {user.id} ({user.role.label}).")


@main.group(name="demo")
def demo_group() -> None:
    """Demonstration data for trying the site locally."""


@demo_group.command("load")
@with_appcontext
def load_demo() -> None:
    """Load demo accounts and a part-filled membership register (never in production)."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        click.echo("Demo data is never loaded in production.", err=True)
        raise SystemExit(1)
    summary = demo.load_demo_data()
    click.echo(summary)


@main.group()
def outbox() -> None:
    """Outgoing email."""


@outbox.command("deliver")
@with_appcontext
def deliver_outbox() -> None:
    """Send every message that is due, retrying failures later (also run by Celery beat)."""
    from engage.services import outbox as outbox_service

    sent, failed = outbox_service.deliver_due()
    click.echo(f"Sent {sent} message(s); {failed} failed and will be retried.")
