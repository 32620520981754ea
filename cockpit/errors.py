"""The page of an unexpected error, and the plain answer when the database is away.

Django calls server_error while it handles an exception raised anywhere in a request
(a view, a middleware reading the session). A lost or refused database connection (a
restart, a failover) becomes a 503 with Retry-After, as a page or, under /api/, the
API's error body; anything else the 500 page. Neither shows a trace nor touches the
database. Django opens a fresh connection for the next request, so the product recovers
by itself once the database is back.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 30


class ClientErrorsWithoutTrace(logging.Filter):
    """A 403 or 404 is an answer, not a fault: logged as its one line, without the
    traceback of the PermissionDenied or Http404 behind it. Server errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A page that does not exist, or a customer not in the reader's book (a rep asking for
    another rep's customer gets the same answer, so nothing tells them it exists)."""
    detail = _("There is nothing here, or it is not in your book.")
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"status": 404, "code": "not_found", "detail": detail, "errors": []}, status=404
        )
    return render(request, "404.html", {"detail": detail}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]
    database_away = isinstance(exc, (OperationalError, InterfaceError))
    status = 503 if database_away else 500
    if database_away:
        detail = _("The cockpit cannot reach its database right now. Please try again in a minute.")
    else:
        detail = _("The cockpit could not do this. The error has been logged; please try again.")
    if request.path.startswith("/api/"):
        code = "database_unavailable" if database_away else "server_error"
        response = JsonResponse(
            {"status": status, "code": code, "detail": detail, "errors": []}, status=status
        )
    else:
        template = "503.html" if database_away else "500.html"
        response = HttpResponse(render_to_string(template, {"detail": detail}), status=status)
    if database_away:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
