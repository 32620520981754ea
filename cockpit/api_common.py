"""What every endpoint of the REST API shares: pagination, error bodies, permissions."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, pagination, permissions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from cockpit.roles import is_admin


class CursorPagination(pagination.CursorPagination):
    """Stable pages on large, changing books; ``?ordering=`` picks the sort."""

    page_size = 100
    max_page_size = 1000
    page_size_query_param = "page_size"
    ordering = "-id"


class BatchRejected(exceptions.ValidationError):
    """A batch with invalid items: nothing of it is written. ``items`` name each bad item
    (its index in the batch) and field."""

    def __init__(self, items: list[dict]):
        self.items = items
        bad_items = {e["item"] for e in items if e["item"] is not None}
        self.summary = (
            f"Nothing was written: {len(bad_items)} of the batch's items are invalid; see errors."
            if bad_items
            else f"Nothing was written: {items[0]['message']}"
        )
        super().__init__(self.summary)


def _flatten(detail, prefix: str = "") -> list[dict]:
    """DRF's nested error detail as a flat list of {field, message, code}."""
    if isinstance(detail, dict):
        return [
            error
            for key, value in detail.items()
            for error in _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        ]
    if isinstance(detail, list):
        if all(isinstance(item, exceptions.ErrorDetail | str) for item in detail):
            return [
                {
                    "field": prefix or None,
                    "message": str(item),
                    "code": getattr(item, "code", "invalid"),
                }
                for item in detail
            ]
        return [
            error
            for index, value in enumerate(detail)
            for error in _flatten(value, f"{prefix}[{index}]" if prefix else f"[{index}]")
        ]
    return [{"field": prefix or None, "message": str(detail), "code": getattr(detail, "code", "")}]


def error_body(exc, context) -> Response | None:
    """Every error answers {"status", "code", "detail", "errors": [{field, message, code}]}."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        detail = "The request is invalid; see errors."
        code = "invalid"
    else:
        detail = str(getattr(exc, "detail", exc))
        code = getattr(getattr(exc, "detail", None), "code", None) or exc.default_code
        errors = []
    if isinstance(exc, BatchRejected):
        errors, detail = exc.items, exc.summary
    response.data = {
        "status": response.status_code,
        "code": code,
        "detail": detail,
        "errors": errors,
    }
    return response


class IsAdminRole(permissions.BasePermission):
    message = "Only admins may do this."

    def has_permission(self, request, view) -> bool:
        return is_admin(request.user)
