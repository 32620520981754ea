from django.urls import path

from agenda import views

app_name = "agenda"

urlpatterns = [
    path("", views.my_day, name="my_day"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:task_id>/done/", views.task_complete, name="task_complete"),
    path("tasks/<int:task_id>/cancel/", views.task_cancel, name="task_cancel"),
    path("customers/<str:number>/tasks/new/", views.task_create, name="task_create"),
    path("customers/<str:number>/plans/new/", views.plan_edit, name="plan_create"),
    path("customers/<str:number>/plans/<int:plan_id>/", views.plan_edit, name="plan_edit"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
]
