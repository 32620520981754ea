from django.urls import path

from alerts import settings_views, views

app_name = "alerts"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("export.<str:file_format>", views.inbox_export, name="export"),
    path("rules/", settings_views.rule_list, name="rules"),
    path("rules/new/", settings_views.rule_edit, name="rule_create"),
    path("rules/preview/", settings_views.rule_preview, name="rule_preview"),
    path("rules/<int:rule_id>/", settings_views.rule_edit, name="rule_update"),
    path("<int:alert_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:alert_id>/snooze/", views.snooze, name="snooze"),
    path("<int:alert_id>/resolve/", views.resolve, name="resolve"),
]
