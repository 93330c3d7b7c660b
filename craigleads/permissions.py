"""API permission: authenticated, holding a role, with the model permission the
operation needs (deny by default, RELIABILITY_CHECKLIST API-1)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from .roles import role_of


class RolePermission(BasePermission):
    """Views name what they need in `required_permissions`: a permission string,
    or a dict from HTTP method to one. Without it, reads need any role and writes
    need the queryset model's add/change/delete permission."""

    message = "Your role does not allow this."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated or not user.is_active:
            return False
        if role_of(user) is None:
            return False
        required = getattr(view, "required_permissions", None)
        if isinstance(required, dict):
            required = required.get(request.method or "GET")
        if required:
            return bool(user.has_perm(required))
        if request.method in SAFE_METHODS:
            return True
        queryset = getattr(view, "queryset", None)
        if queryset is None:
            return False
        opts = queryset.model._meta
        action = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}
        verb = action.get(request.method or "", "change")
        return bool(user.has_perm(f"{opts.app_label}.{verb}_{opts.model_name}"))
