"""Access decisions for every route.

Views declare who may use them with @public, @signed_in or @require_role(...). The
decorators only annotate; `enforce_access` runs before every request and refuses any
endpoint that declares nothing, so a forgotten decorator fails closed (ASVS 4.1.1-4.1.5).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import abort, current_app, g, request
from flask_login import current_user

from engage.extensions import login_manager
from engage.models.users import (
    ADMIN_ROLES,
    OFFICER_ROLES,
    SECRETARIAT_ROLES,
    STAFF_ROLES,
    Role,
)
from engage.services.common.audit import Actor

__all__ = [
    "ADMIN_ROLES",
    "OFFICER_ROLES",
    "SECRETARIAT_ROLES",
    "STAFF_ROLES",
    "current_actor",
    "public",
    "require_role",
    "signed_in",
]

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

# Endpoints Flask itself adds; they serve files from static/ only.
FRAMEWORK_ENDPOINTS = frozenset({"static"})


@dataclass(frozen=True)
class AccessRule:
    public: bool = False
    roles: frozenset[Role] = frozenset()

    def describe(self) -> str:
        if self.public:
            return "public"
        if not self.roles:
            return "signed in"
        return ", ".join(sorted(r.value for r in self.roles))

    def allows(self, user: Any) -> bool:
        if self.public:
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        return not self.roles or user.role in self.roles


def _annotate(rule: AccessRule) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        view.access_rule = rule  # type: ignore[attr-defined]
        return view

    return decorator


def public(view: F) -> F:
    """Anyone, signed in or not."""
    return _annotate(AccessRule(public=True))(view)


def signed_in(view: F) -> F:
    """Any signed-in account, whatever its role."""
    return _annotate(AccessRule())(view)


def require_role(*roles: Role) -> Callable[[F], F]:
    """Only signed-in accounts holding one of these roles."""
    if not roles:
        raise ValueError("require_role needs at least one role; use @signed_in for any account")
    return _annotate(AccessRule(roles=frozenset(roles)))


def access_rule_for(endpoint: str) -> AccessRule | None:
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def enforce_access() -> Any:
    """before_request hook: apply the endpoint's rule, denying anything undeclared."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in FRAMEWORK_ENDPOINTS:
        return None  # no route matched (404 follows) or a static file
    rule = access_rule_for(endpoint)
    if rule is None:
        log.error("access_rule_missing", extra={"endpoint": endpoint})
        abort(403)
    if rule.public:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not rule.allows(current_user):
        log.warning(
            "access_denied",
            extra={"user_id": current_user.id, "endpoint": endpoint},
        )
        abort(403)
    return None


def current_actor():
    """Who is making this request and from where, for the audit log (the view passes it
    into the service: services never read the request)."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return Actor(user, request.remote_addr, g.get("request_id"))
