from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from cockpit import views

urlpatterns = [
    path("", views.home, name="home"),
    path("cockpit/", views.kpi_cockpit, name="kpi_cockpit"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("customers/", include("customers.urls")),
    path("alerts/", include("alerts.urls")),
    path("agenda/", include("agenda.urls")),
    path("admin/", admin.site.urls),
]
