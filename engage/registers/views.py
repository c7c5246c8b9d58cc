"""The small registers (Health and Equity Impact Assessments, best practice shared,
community-led initiatives supported) and the Taskforce's housekeeping reminders. Every
member of staff reads the registers; the secretariat keeps them and the housekeeping.
Views read forms and call engage.services.accountability, which decides."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage import clock
from engage.forms import apply_service_errors, sent_and_acceptable, version_sent
from engage.models import PeriodKind, RegisterKind
from engage.permissions import SECRETARIAT_ROLES, STAFF_ROLES, current_actor, require_role
from engage.registers import bp
from engage.registers.forms import ReviewForm, entry_form
from engage.services.accountability import housekeeping as chores
from engage.services.accountability import periods, registers
from engage.services.accountability.commitments import links_of
from engage.services.common.transaction import Conflict, NotFound, ServiceError

# The three registers, as their addresses name them.
KIND = '<any(heia, "best-practice", initiatives):kind>'
STALE = (
    "Someone else changed this entry while you were editing it. Your changes are still "
    "in the form, not saved: check them against the entry as it is now, shown below "
    "the form, and save again."
)


_version = version_sent


_checked = sent_and_acceptable


def _entry(kind: RegisterKind, entry_id: int):
    try:
        entry = registers.get_entry(entry_id)
    except NotFound:
        abort(404)
    if entry.kind is not kind:
        abort(404)
    return entry


def _list_url(kind: RegisterKind, entry_id: int | None = None) -> str:
    anchor = f"entry-{entry_id}" if entry_id else None
    return url_for("registers.entries", kind=registers.slug_of(kind), _anchor=anchor)


@bp.get("/")
@require_role(*STAFF_ROLES)
def index():
    today = clock.today()
    this_year = periods.containing(today, PeriodKind.YEAR)
    last_year = periods.year(this_year.year - 1)
    rows = [
        (
            kind,
            registers.slug_of(kind),
            registers.count(kind, this_year.start, this_year.end),
            registers.count(kind, last_year.start, last_year.end),
        )
        for kind in RegisterKind
    ]
    return render_template(
        "registers/index.html",
        title="Registers",
        rows=rows,
        this_year=this_year,
        last_year=last_year,
        funding=(
            registers.format_pounds(registers.funding_pence(this_year.start, this_year.end)),
            registers.format_pounds(registers.funding_pence(last_year.start, last_year.end)),
        ),
        secretariat=current_user.role in SECRETARIAT_ROLES,
    )


@bp.get(f"/{KIND}")
@require_role(*STAFF_ROLES)
def entries(kind: str):
    found = registers.kind_of(kind)
    return render_template(
        "registers/entries.html",
        title=found.label,
        kind=found,
        slug=kind,
        rows=registers.listing(found),
        years=registers.totals_by_year(found),
        year_label=periods.year_label,
        pounds=registers.format_pounds,
        links_of=links_of,
        secretariat=current_user.role in SECRETARIAT_ROLES,
    )


@bp.route(f"/{KIND}/new", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def add(kind: str):
    found = registers.kind_of(kind)
    form = entry_form(found)
    today = clock.today()
    if _checked(form, lambda: registers.entry_problems(found, form.to_input(), today=today)):
        try:
            entry = registers.add_entry(found, form.to_input(), actor=current_actor(), today=today)
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            flash(f"Added to the register: {entry.title}.", "success")
            return redirect(_list_url(found, entry.id))
    return render_template(
        "registers/entry_form.html",
        title=f"Add to the register: {found.label}",
        form=form,
        kind=found,
        slug=kind,
        entry=None,
        pounds=registers.format_pounds,
    )


@bp.route(f"/{KIND}/<int:entry_id>/edit", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def edit(kind: str, entry_id: int):
    found = registers.kind_of(kind)
    entry = _entry(found, entry_id)
    if request.method == "GET":
        form = entry_form(found, formdata=None, obj=entry)
        if hasattr(form, "funding"):
            form.funding.data = registers.typed_pounds(entry.funding_pence)
    else:
        form = entry_form(found)
    today = clock.today()
    stale = False
    if _checked(form, lambda: registers.entry_problems(found, form.to_input(), today=today)):
        try:
            changed = registers.change_entry(
                entry.id,
                form.to_input(),
                version=_version(form),
                actor=current_actor(),
                today=today,
            )
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        except Conflict:
            stale = True
            entry = _entry(found, entry_id)
            form.version.data = entry.version
            form.form_errors.append(STALE)
        else:
            flash("Saved the entry." if changed else "Nothing was changed.", "success")
            return redirect(_list_url(found, entry.id))
    return render_template(
        "registers/entry_form.html",
        title=f"Change an entry: {entry.title}",
        form=form,
        kind=found,
        slug=kind,
        entry=entry,
        stale=stale,
        pounds=registers.format_pounds,
        links_of=links_of,
    )


# Housekeeping


@bp.get("/housekeeping")
@require_role(*SECRETARIAT_ROLES)
def housekeeping():
    today = clock.today()
    return render_template(
        "registers/housekeeping.html",
        title="Housekeeping",
        reminders=chores.reminders(today),
        reviews=chores.reviews(),
        due_soon_days=chores.DUE_SOON.days,
    )


@bp.route("/housekeeping/terms-review", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def record_review():
    form = ReviewForm()
    today = clock.today()
    if _checked(form, lambda: chores.review_problems(form.to_input(), today=today)):
        try:
            review = chores.record_review(form.to_input(), actor=current_actor(), today=today)
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            flash(
                f"Recorded the review of the terms of reference on "
                f"{clock.format_date(review.reviewed_on)}.",
                "success",
            )
            return redirect(url_for("registers.housekeeping"))
    return render_template(
        "registers/review.html",
        title="Record a review of the terms of reference",
        form=form,
        status=chores.review_status(today),
    )
