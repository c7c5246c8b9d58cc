"""The `engage` command: Flask's commands (run, db ...) plus the project's own."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from engage import demo
from engage.models import Role
from engage.services.accounts import accounts
from engage.services.common.transaction import ServiceError


def _create_app():
    from engage import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Engage: run the site and look after its data."""
    from engage.config import environment_name

    if ctx.invoked_subcommand == "run" and environment_name() == "production":
        # Flask's development server is single-threaded and shows tracebacks.
        raise click.ClickException(
            "`engage run` is the development server. In production run gunicorn "
            "(docs/deployment.md): gunicorn -c deploy/gunicorn.conf.py wsgi:app"
        )


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


def _user_by_email(email: str):
    from sqlalchemy import select

    from engage.extensions import db
    from engage.models import User

    user = db.session.scalar(select(User).where(User.email == accounts.normalise_email(email)))
    if user is None:
        click.echo(f"No account has the email address {email}.", err=True)
        raise SystemExit(1)
    return user


@users.command("reset-two-factor")
@click.argument("email")
@with_appcontext
def reset_two_factor(email: str) -> None:
    """For someone who lost their authenticator and recovery codes: they set up a new one
    at their next sign-in. Check who is asking before you do this."""
    from engage import tasks
    from engage.services.accounts import two_factor

    user = _user_by_email(email)
    two_factor.reset(user.id)
    tasks.start(tasks.deliver_outbox)  # the person is told at once
    click.echo(f"Two-step sign-in reset for account {user.id}; they set it up again at sign-in.")


@users.command("unlock")
@click.argument("email")
@with_appcontext
def unlock_user(email: str) -> None:
    """Lift a lock from too many wrong attempts before it runs out by itself."""
    from engage.services.accounts import two_factor

    user = _user_by_email(email)
    two_factor.unlock(user.id)
    click.echo(f"Account {user.id} unlocked.")


@main.group()
def keys() -> None:
    """Encryption keys (ENCRYPTION_KEYS)."""


@keys.command("rotate")
@with_appcontext
def rotate_keys() -> None:
    """Re-encrypt every stored secret with the first key in ENCRYPTION_KEYS. To change
    keys: put a new key first (keep the old one after it), run this, then drop the old."""
    from engage.services.common import keys as keys_service

    rewritten = keys_service.rotate_all()
    click.echo(f"Re-encrypted {rewritten} value(s) with the current key.")


@keys.command("new")
def new_key() -> None:
    """Print a new random key, to put first in ENCRYPTION_KEYS."""
    from engage import crypto

    click.echo(crypto.new_key())


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


@demo_group.command("code")
@click.argument("key", nargs=-1, required=True)
def authenticator_code(key: tuple[str, ...]) -> None:
    """Print the current sign-in code for an authenticator KEY, typed as the set-up page
    shows it (in groups, with or without quotes): for trying the site without a phone."""
    from engage.services.accounts import two_factor

    try:
        click.echo(two_factor.code_for_key(" ".join(key)))
    except ValueError:
        raise click.ClickException(
            "That is not an authenticator key: copy the letters and numbers shown under "
            "the QR code on the set-up page."
        ) from None


@demo_group.command("submissions")
@click.argument("count", type=click.IntRange(1, 5_000_000))
@with_appcontext
def bulk_demo_submissions(count: int) -> None:
    """Add COUNT synthetic stories, to try the moderation queue at volume (never in
    production). A million takes a few minutes on SQLite."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        click.echo("Demo data is never loaded in production.", err=True)
        raise SystemExit(1)
    made = demo.bulk_submissions(count)
    click.echo(f"Added {made:,} synthetic stories.")


@main.group()
def outbox() -> None:
    """Outgoing email."""


@main.group()
def digests() -> None:
    """Working groups' themed digests."""


@digests.command("issue")
@with_appcontext
def issue_digests() -> None:
    """Issue every digest due now on its group's cadence and queue its emails (Celery
    beat runs this daily in production; run it by hand, or from cron, in the embedded
    default). Then `engage outbox deliver` sends anything that did not go at once."""
    from engage.services.common import outbox as outbox_service
    from engage.services.digests import issuing

    issued = issuing.issue_due()
    for digest in issued:
        click.echo(
            f"{digest.body.name}: {digest.stories_when_issued} stor"
            f"{'y' if digest.stories_when_issued == 1 else 'ies'}, "
            f"{digest.emails_queued} email(s) queued."
        )
    if not issued:
        click.echo("No digest is due.")
    sent, failed = outbox_service.deliver_due()
    click.echo(f"Sent {sent} message(s); {failed} failed and will be retried.")


@main.group()
def figures() -> None:
    """The public figures and open data."""


@figures.command("refresh")
@with_appcontext
def refresh_figures() -> None:
    """Count, protect and publish the public figures now (Celery beat does it nightly;
    run it by hand, or from cron, in the embedded default)."""
    from engage.services.figures import snapshots

    snapshot = snapshots.refresh()
    click.echo(
        f"Public figures refreshed: snapshot {snapshot.id}, "
        f"{snapshot.milliseconds_taken:,} ms ({snapshot.period_label})."
    )


@main.command("tag-pending")
@with_appcontext
def tag_pending() -> None:
    """Tag stories still waiting, or due another try after a failure (Celery beat too)."""
    from engage.services.stories import tagging

    tagged, failed = tagging.retry_due()
    click.echo(
        f"Tagged {tagged} stor{'y' if tagged == 1 else 'ies'}; {failed} failed and will be retried."
    )


@outbox.command("deliver")
@with_appcontext
def deliver_outbox() -> None:
    """Send every message that is due, retrying failures later (also run by Celery beat)."""
    from engage.services.common import outbox as outbox_service

    sent, failed = outbox_service.deliver_due()
    click.echo(f"Sent {sent} message(s); {failed} failed and will be retried.")


@outbox.command("purge")
@with_appcontext
def purge_outbox() -> None:
    """Delete sent email older than OUTBOX_RETENTION_DAYS (the nightly retention job
    does this too: `engage retention run`)."""
    from engage.services.common import outbox as outbox_service

    removed = outbox_service.purge_sent()
    click.echo(f"Deleted {removed} old message(s).")


@main.group()
def retention() -> None:
    """The retention schedule (docs/retention.md)."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Count what is due without erasing anything.")
@with_appcontext
def run_retention(dry_run: bool) -> None:
    """Erase everything the retention schedule says is due now, and print the counts
    (Celery beat runs it nightly; run it by hand, or from cron, in the embedded default)."""
    from engage.services.common import retention as retention_service

    counts = retention_service.run(dry_run=dry_run)
    click.echo("Would erase (dry run, nothing changed):" if dry_run else "Erased:")
    for kind, count in counts.items():
        click.echo(f"  {kind}: {count}")


def _echo_counts(counts: dict[str, int]) -> None:
    for name, rows in counts.items():
        click.echo(f"  {name:<40} {rows:>10,}")
    click.echo(f"{len(counts)} tables, {sum(counts.values()):,} rows.")


@main.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(path: Path | None) -> None:
    """Back up the whole database to PATH (default: BACKUP_DIR/engage-<UTC time>.backup),
    then delete backups in BACKUP_DIR older than BACKUP_RETENTION_DAYS."""
    from datetime import UTC, datetime

    from sqlalchemy.exc import SQLAlchemyError

    from engage.services.ops import backup as backups

    config = current_app.config
    folder = Path(config["BACKUP_DIR"])
    if path is None:
        path = folder / f"engage-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.backup"
    url = config["SQLALCHEMY_DATABASE_URI"]
    try:
        made = backups.make_backup(url, path)
        # SQLite: count what the file holds; PostgreSQL: the database as it was copied.
        counted = f"sqlite:///{made}" if url.startswith("sqlite") else url
        counts = backups.row_counts(counted)
        backups.record_backup(made, counts)
        pruned = backups.prune_backups(folder, config["BACKUP_RETENTION_DAYS"])
    except (backups.BackupError, SQLAlchemyError, OSError) as error:
        click.echo(f"No backup made: {error}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Backup written to {made}")
    _echo_counts(counts)
    click.echo(
        f"Deleted {len(pruned)} backup(s) older than {config['BACKUP_RETENTION_DAYS']} days "
        f"from {folder}."
    )


@main.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--database-url",
    help="The database to restore into (default: this site's DATABASE_URL). A PostgreSQL "
    "database must exist and be empty.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Overwrite a database that already holds Engage's tables.",
)
@with_appcontext
def restore(path: Path, database_url: str | None, replace: bool) -> None:
    """Restore a backup made by `engage backup` into an empty database."""
    from sqlalchemy.exc import SQLAlchemyError

    from engage.config import normalise_database_url
    from engage.extensions import db
    from engage.services.ops import backup as backups

    url = normalise_database_url(database_url or current_app.config["SQLALCHEMY_DATABASE_URI"])
    db.engine.dispose()  # this command's own connections hold nothing open
    try:
        backups.restore_backup(path, url, replace=replace)
    except (backups.BackupError, SQLAlchemyError, OSError) as error:
        click.echo(f"Nothing restored: {error}", err=True)
        raise SystemExit(1) from None
    try:
        counts = backups.row_counts(url)
    except SQLAlchemyError as error:
        click.echo(f"Restored {path}, but the rows could not be counted: {error}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Restored {path}. Rows in each table now:")
    _echo_counts(counts)


def _read_json_lines(source) -> list[dict]:
    items = []
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            raise click.ClickException(f"line {number} is not JSON") from None
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise click.ClickException(f'line {number} needs a "text" string')
        items.append(item)
    return items


def _write_json_line(item: dict) -> None:
    click.echo(json.dumps(item, ensure_ascii=False))


@main.group()
def themes() -> None:
    """The theme tagger: train, tag and evaluate (offline)."""


MODEL_OPTION = click.option(
    "--model",
    "model_dir",
    type=click.Path(exists=True, file_okay=False),
    help="A model folder other than the shipped one.",
)


def _tagger(model_dir):
    from engage.nlp.themes import MODEL_DIR, ThemeTagger

    return ThemeTagger.load(Path(model_dir) if model_dir else MODEL_DIR)


@themes.command("tag")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@MODEL_OPTION
def tag_themes(source, model_dir) -> None:
    """Tag JSON lines {"id", "text"} from FILE (or standard input) with themes."""
    items = _read_json_lines(source)
    tagger = _tagger(model_dir)
    for item, result in zip(items, tagger.tag(i["text"] for i in items), strict=True):
        _write_json_line({"id": item.get("id"), "themes": result.themes, "scores": result.scores})


@themes.command("evaluate")
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--by-language",
    is_flag=True,
    help='Also print micro-F1 per "language" of the lines (and for those not in English).',
)
@MODEL_OPTION
def evaluate_themes(source, as_json: bool, by_language: bool, model_dir) -> None:
    """Precision, recall and F1 per theme, micro and macro, on labelled JSON lines."""
    from engage.nlp import themes as theme_model

    items = _read_json_lines(source)
    tagger = _tagger(model_dir)
    figures = theme_model.evaluate(tagger, items)
    if by_language:
        figures["by_language"] = theme_model.evaluate_by_language(tagger, items)
    if as_json:
        click.echo(json.dumps(figures, indent=2))
        return
    click.echo(f"{'theme':<18} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}")
    for theme, row in figures["per_theme"].items():
        click.echo(
            f"{theme:<18} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f} "
            f"{row['support']:>8}"
        )
    for name in ("micro", "macro"):
        row = figures[name]
        click.echo(f"{name:<18} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f}")
    if figures["no_theme_texts"]:
        click.echo(
            f"no-theme texts left untagged: {figures['no_theme_left_untagged']:.1%} "
            f"of {figures['no_theme_texts']}"
        )
    for language, row in figures.get("by_language", {}).items():
        click.echo(
            f"language {language:<12} texts {row['texts']:>5}  micro-F1 {row['micro']['f1']:.3f}"
        )


def _training_texts(train_files, with_corrections: bool) -> list[dict]:
    from engage.nlp import theme_training as training
    from engage.nlp import themes as theme_model

    paths = [Path(p) for p in train_files] or training.training_files()
    items = [item for path in paths for item in theme_model.read_jsonl(path)]
    if with_corrections:
        from engage.services.stories.tagging import corrections_for_training

        corrections = corrections_for_training()
        click.echo(f"Adding {len(corrections)} officer-labelled stories.")
        items += corrections
    if not items:
        raise click.ClickException("no training texts found")
    return items


TRAIN_FILES_OPTION = click.option(
    "--train",
    "train_files",
    multiple=True,
    type=click.Path(exists=True),
    help="Training JSON lines (default: data/themes/raw/*.jsonl).",
)
CORRECTIONS_OPTION = click.option(
    "--with-corrections",
    is_flag=True,
    help="Add officers' confirmed themes (on redacted text) from the database.",
)


@themes.command("train")
@TRAIN_FILES_OPTION
@click.option(
    "--dev",
    "dev_file",
    type=click.Path(exists=True),
    help="Development JSON lines, never trained on (default: data/themes/dev/dev.jsonl).",
)
@click.option("--output", type=click.Path(), help="Where to write the model.")
@click.option("--seed", default=0, show_default=True)
@click.option(
    "--version",
    "version",
    help="The new model's version (default: one more than the shipped model's).",
)
@CORRECTIONS_OPTION
def train_themes(train_files, dev_file, output, seed: int, version, with_corrections) -> None:
    """Train the tagger from scratch with spaCy's training loop and engage/nlp/config.cfg
    (reproducible for the same texts and seed), tune thresholds and evaluate it."""
    from engage.nlp import theme_training as training
    from engage.nlp import themes as theme_model

    items = _training_texts(train_files, with_corrections)
    dev_path = Path(dev_file) if dev_file else theme_model.DATA_DIR / "dev" / "dev.jsonl"
    dev_items = theme_model.read_jsonl(dev_path) if dev_path.exists() else []
    thresholds = training.tune_thresholds(items, seed=seed)
    tagger = theme_model.ThemeTagger(training.train(items, seed=seed), thresholds)
    figures = theme_model.evaluate(tagger, dev_items) if dev_items else None
    target = Path(output) if output else theme_model.MODEL_DIR
    tagger.save(
        target,
        meta={
            "version": version or training.next_version(),
            "trained_on": len(items),
            "seed": seed,
            "training_data_sha256": training.corpus_digest(items),
            "evaluation": figures,
        },
    )
    click.echo(f"Trained on {len(items)} texts; saved to {target}.")
    if figures:
        click.echo(
            f"Development set micro-F1 {figures['micro']['f1']:.3f}, "
            f"macro-F1 {figures['macro']['f1']:.3f}."
        )


@themes.command("corpus")
@TRAIN_FILES_OPTION
@click.option("--output", type=click.Path(file_okay=False), required=True)
@CORRECTIONS_OPTION
def theme_corpus(train_files, output, with_corrections) -> None:
    """Write train.spacy and dev.spacy for `spacy train engage/nlp/config.cfg`."""
    from engage.nlp import theme_training as training

    items = _training_texts(train_files, with_corrections)
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    training.write_corpus(items, folder / "train.spacy")
    training.write_corpus(training.dev_sample(items), folder / "dev.spacy")
    click.echo(f"Wrote {len(items)} training texts to {folder / 'train.spacy'}.")


@main.group()
def pii() -> None:
    """Personal data in stories."""


@pii.command("scan")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
def scan_pii(source) -> None:
    """Find personal data in JSON lines {"id", "text"}; print the proposed redaction."""
    from engage.nlp import pii as detector

    for item in _read_json_lines(source):
        _write_json_line({"id": item.get("id"), **detector.scan(item["text"])})


@pii.command("evaluate")
@click.argument("source", type=click.File("r", encoding="utf-8"))
def evaluate_pii(source) -> None:
    """Recall per type on JSON lines {"text", "spans": [{"start", "end", "type"}]}."""
    from engage.nlp import pii as detector

    figures = detector.evaluate(_read_json_lines(source))
    click.echo(f"{'type':<16} {'recall':>7} {'labelled':>9} {'false alarms':>13}")
    for kind in detector.TYPES:
        recall = figures["recall"][kind]
        shown = "-" if recall is None else f"{recall:.3f}"
        click.echo(
            f"{kind:<16} {shown:>7} {figures['labelled'][kind]:>9} "
            f"{figures['false_alarms'][kind]:>13}"
        )
    if figures["texts_without_personal_data_left_alone"] is not None:
        click.echo(
            "texts without personal data left alone: "
            f"{figures['texts_without_personal_data_left_alone']:.1%}"
        )
