from django.urls import path

from customers import privacy_views, views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("export.<str:file_format>", views.customer_export, name="export"),
    path("kpis.<str:file_format>", views.kpi_export, name="export_kpis"),
    path("<str:number>/", views.customer_detail, name="detail"),
    path("<str:number>/edit/", views.customer_update, name="update"),
    path("<str:number>/contacts/new/", views.contact_edit, name="contact_create"),
    path("<str:number>/contacts/<int:contact_id>/", views.contact_edit, name="contact_update"),
    path("<str:number>/interactions/new/", views.interaction_create, name="interaction_create"),
    path("<str:number>/transactions/new/", views.transaction_create, name="transaction_create"),
    path("<str:number>/personal-data.json", privacy_views.export, name="personal_data"),
    path("<str:number>/erase/", privacy_views.erase, name="erase"),
    path(
        "<str:number>/contacts/<int:contact_id>/personal-data.json",
        privacy_views.export,
        name="contact_personal_data",
    ),
    path(
        "<str:number>/contacts/<int:contact_id>/erase/", privacy_views.erase, name="contact_erase"
    ),
]
