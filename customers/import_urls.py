from django.urls import path

from customers import import_views

app_name = "imports"

urlpatterns = [
    path("", import_views.upload, name="upload"),
    path("<int:job_id>/", import_views.job_page, name="job"),
    path("<int:job_id>/run/", import_views.job_run, name="run"),
    path("templates/<str:kind>.<str:file_format>", import_views.template_file, name="template"),
]
