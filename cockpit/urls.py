from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cockpit import api, views
from customers import predictive_views

api_v1 = [
    *api.router.urls,
    path("cockpit/summary/", api.cockpit_summary, name="cockpit-summary"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("cockpit/", views.kpi_cockpit, name="kpi_cockpit"),
    path("healthz", views.healthz, name="healthz"),
    path("me/mail/", views.mail_settings, name="mail_settings"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", views.choose_language, name="set_language"),
    path("customers/", include("customers.urls")),
    path("imports/", include("customers.import_urls")),
    path("kpis/model/", predictive_views.predictive_model, name="predictive_model"),
    path("alerts/", include("alerts.urls")),
    path("agenda/", include("agenda.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler404 = "cockpit.errors.not_found"
handler500 = "cockpit.errors.server_error"
