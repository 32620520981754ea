from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language

from cockpit.dashboard import build_cockpit, generation
from cockpit.figures import all_figures
from cockpit.forms import CockpitFilterForm, MailSettingsForm
from cockpit.health import broker_reachable, database_reachable
from cockpit.models import UserProfile
from cockpit.roles import is_manager


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    db_ok, db_detail = database_reachable()
    broker_ok, broker_detail = broker_reachable()
    healthy = db_ok and broker_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": {"ok": db_ok, "detail": db_detail},
            "broker": {"ok": broker_ok, "detail": broker_detail},
        },
        status=200 if healthy else 503,
    )


def home(request: HttpRequest) -> HttpResponse:
    """Managers land on the KPI cockpit, reps on their day."""
    return redirect("kpi_cockpit" if is_manager(request.user) else "agenda:my_day")


@require_GET
def kpi_cockpit(request: HttpRequest) -> HttpResponse:
    form = CockpitFilterForm(request.GET or None, user=request.user)
    filters = form.cockpit_filters()
    # The figures change only when the portfolio is taken again: built once per
    # generation, filter and language.
    key = f"cockpit-page:{generation()}:{get_language()}:{filters.cache_key()}"
    cockpit, figures = cache.get(key) or (None, None)
    if cockpit is None:
        cockpit = build_cockpit(filters)
        figures = all_figures(cockpit) if cockpit.headline else {}
        cache.set(key, (cockpit, figures), timeout=24 * 3600)
    context = {"form": form, "cockpit": cockpit, "figures": figures}
    return render(request, "cockpit/cockpit.html", context)


class SignInView(auth_views.LoginView):
    """Django's sign-in; the pages after it speak the language the user chose last (their
    profile's), as their mails and calendar feed do, whatever the browser asks for."""

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        language = (
            UserProfile.objects.filter(user=form.get_user())
            .values_list("language", flat=True)
            .first()
        )
        if language in dict(settings.LANGUAGES):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


@login_not_required
@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch; a signed-in user's choice is also their profile's language,
    so their mails, digests and background imports speak it too."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        UserProfile.objects.update_or_create(user=request.user, defaults={"language": language})
    return response


@require_http_methods(["GET", "POST"])
def mail_settings(request: HttpRequest) -> HttpResponse:
    """Each user chooses how often alert mail comes: at once, daily, weekly or never."""
    profile, _created = UserProfile.objects.get_or_create(
        user=request.user, defaults={"language": get_language()}
    )
    form = MailSettingsForm(request.POST or None, instance=profile)
    if form.is_valid():
        form.save()
        messages.success(
            request, _("Saved: %(choice)s.") % {"choice": profile.get_alert_mail_display()}
        )
        return redirect("mail_settings")
    return render(request, "cockpit/mail_settings.html", {"form": form, "heading": _("Alert mail")})
