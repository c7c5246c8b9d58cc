"""Routing rules, replaying them over a period, and stories no rule matched: the
secretariat's pages."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for

from engage import clock
from engage.forms import apply_service_errors
from engage.permissions import SECRETARIAT_ROLES, current_actor, require_role
from engage.routing import bp
from engage.routing.forms import EndRuleForm, ReplayForm, RuleForm
from engage.services.common import reference
from engage.services.common.transaction import Conflict, NotFound, ServiceError
from engage.services.digests import routing

CONFLICT = (
    "Someone else changed or ended this rule while you were editing it. "
    "Check the rule below and make your change again."
)


def _prepare(form: RuleForm) -> None:
    form.set_choices(routing.routable_bodies(), reference.themes(), reference.local_authorities())


def _rule_or_404(rule_id: int):
    try:
        return routing.get_rule(rule_id)
    except NotFound:
        abort(404)


def _version(value) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return -1


@bp.get("/")
@require_role(*SECRETARIAT_ROLES)
def rules():
    stories, unrouted_total = routing.unrouted(limit=0)
    all_rules = routing.rules(include_ended=True)
    return render_template(
        "routing/rules.html",
        title="Routing rules",
        rules=[r for r in all_rules if r.active],
        ended=[r for r in all_rules if not r.active],
        unrouted_total=unrouted_total,
        end_form=EndRuleForm(),
    )


def _checked(form: RuleForm) -> bool:
    if not form.is_submitted():
        return False
    form.validate()
    apply_service_errors(form, routing.rule_problems(form.to_input()))
    return not form.errors


@bp.route("/rules/new", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def add_rule():
    form = RuleForm()
    _prepare(form)
    if _checked(form):
        try:
            rule = routing.add_rule(form.to_input(), actor=current_actor())
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            flash(
                f"Rule added: approved stories on these themes now go to {rule.body.name}. "
                "To send stories approved before today too, replay the rules below.",
                "success",
            )
            return redirect(url_for("routing.rules"))
    return render_template(
        "routing/rule_form.html", title="Add a routing rule", form=form, rule=None
    )


@bp.route("/rules/<int:rule_id>/edit", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def edit_rule(rule_id: int):
    rule = _rule_or_404(rule_id)
    if not rule.active:
        flash("This rule has been ended, so it can't be changed. Add a new rule instead.", "error")
        return redirect(url_for("routing.rules"))
    form = RuleForm()
    if not form.is_submitted():
        form.body_id.data = str(rule.body_id)
        form.theme_ids.data = [str(t.id) for t in rule.themes]
        form.area_ids.data = [str(a.id) for a in rule.areas]
        form.note.data = rule.note
        form.version.data = str(rule.version)
    _prepare(form)
    if _checked(form):
        try:
            routing.change_rule(
                rule.id, _version(form.version.data), form.to_input(), actor=current_actor()
            )
        except Conflict:
            form.form_errors.append(CONFLICT)
            form.version.data = str(routing.get_rule(rule_id).version)
        except ServiceError as error:
            apply_service_errors(form, error.errors)
        else:
            flash(
                "Rule changed. It applies to stories approved from now on; replay the rules "
                "to apply it to stories approved before.",
                "success",
            )
            return redirect(url_for("routing.rules"))
    return render_template(
        "routing/rule_form.html", title="Change a routing rule", form=form, rule=rule
    )


@bp.post("/rules/<int:rule_id>/end")
@require_role(*SECRETARIAT_ROLES)
def end_rule(rule_id: int):
    rule = _rule_or_404(rule_id)
    form = EndRuleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        routing.end_rule(rule.id, _version(form.version.data), actor=current_actor())
    except Conflict:
        flash(CONFLICT, "error")
    else:
        flash(
            f"Rule ended: no new stories go to {rule.body.name} by it. Stories it already "
            "sent stay with the group unless you replay the rules over their period.",
            "success",
        )
    return redirect(url_for("routing.rules"))


def _period(form: ReplayForm) -> tuple[datetime, datetime]:
    def midnight(day):
        return datetime.combine(day, time(0), tzinfo=clock.LONDON).astimezone(UTC)

    return midnight(form.start.data), midnight(form.end.data + timedelta(days=1))


@bp.route("/replay", methods=["GET", "POST"])
@require_role(*SECRETARIAT_ROLES)
def replay():
    """GET with dates previews; POST applies what was previewed."""
    posted = request.method == "POST"
    form = ReplayForm() if posted else ReplayForm(formdata=request.args, meta={"csrf": False})
    plan = None
    if request.method == "POST":
        if form.validate():
            start, end = _period(form)
            try:
                done = routing.replay(
                    start,
                    end,
                    previewed=form.previewed.data or "",
                    actor=current_actor(),
                )
            except Conflict:
                flash(
                    "The stories changed since you looked: here is the preview again. "
                    "Check it and replay again.",
                    "error",
                )
                plan = routing.plan_replay(start, end)
            else:
                flash(
                    f"Rules replayed: {done.moves} change{'s' if done.moves != 1 else ''} made.",
                    "success",
                )
                return redirect(url_for("routing.rules"))
    elif form.start.raw_data and form.validate():
        plan = routing.plan_replay(*_period(form))
    if plan is not None:
        form.previewed.data = plan.fingerprint
    return render_template(
        "routing/replay.html", title="Replay the routing rules", form=form, plan=plan
    )


@bp.get("/unrouted")
@require_role(*SECRETARIAT_ROLES)
def unrouted():
    stories, total = routing.unrouted(limit=200)
    themes = routing.confirmed_theme_names([s.id for s in stories])
    return render_template(
        "routing/unrouted.html",
        title="Stories no rule sent to a group",
        stories=stories,
        total=total,
        themes=themes,
    )
