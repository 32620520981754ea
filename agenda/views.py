import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agenda import calendar, services
from agenda.choices import TaskOrigin, TaskStatus
from agenda.forms import ActionPlanForm, CancelTaskForm, CompleteTaskForm, TaskForm
from agenda.models import ActionPlan, Task
from alerts.choices import AlertState
from alerts.models import Alert
from cockpit.models import UserProfile
from cockpit.navigation import redirect_back
from cockpit.roles import is_manager
from customers.models import Customer
from customers.views import visible_customer

MY_DAY_OVERDUE_SHOWN = 50
MY_DAY_LIST_SHOWN = 100  # alerts and contacts due; the rest are a link away


def _person(request: HttpRequest):
    """Whose day: the user's own, or for managers any rep's (?user=)."""
    user_id = request.GET.get("user")
    if user_id and is_manager(request.user):
        if not user_id.isdigit():
            raise Http404
        return get_object_or_404(get_user_model(), pk=user_id)
    return request.user


@require_GET
def my_day(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    today = timezone.localdate()
    week_end = today + dt.timedelta(days=6 - today.weekday())
    tasks = (
        Task.objects.visible_to(request.user)
        .open()
        .filter(assignee=person, due_on__lte=week_end)
        .select_related("customer", "customer__kpi", "contact", "alert__rule", "step")
        # The most valuable customers first, so a long backlog starts where it matters.
        .order_by("customer__kpi__value_class", "due_on", "id")
    )
    overdue = tasks.filter(due_on__lt=today)
    shown_overdue = list(overdue[:MY_DAY_OVERDUE_SHOWN])
    due_soon = list(tasks.filter(due_on__gte=today))
    open_alerts = (
        Alert.objects.visible_to(request.user)
        .filter(customer__owner=person, state=AlertState.OPEN)
        .select_related("customer", "customer__kpi", "rule")
        .reddest_first()
    )
    alerts = list(open_alerts[:MY_DAY_LIST_SHOWN])
    due = Customer.objects.visible_to(request.user).filter(
        owner=person, contact_opt_out=False, kpi__contact_due_on__lte=week_end
    )
    contacts_due = list(
        due.select_related("kpi").order_by("kpi__contact_due_on", "name")[:MY_DAY_LIST_SHOWN]
    )
    open_cadence_tasks = {
        task.customer_id: task
        for task in Task.objects.open().filter(
            origin=TaskOrigin.CADENCE, customer__in=[c.pk for c in contacts_due]
        )
    }
    context = {
        "person": person,
        "today": today,
        "week_end": week_end,
        "overdue": shown_overdue,
        "overdue_count": (
            len(shown_overdue) if len(shown_overdue) < MY_DAY_OVERDUE_SHOWN else overdue.count()
        ),
        "due_today": [t for t in due_soon if t.due_on == today],
        "this_week": [t for t in due_soon if t.due_on > today],
        "alerts": alerts,
        "alert_count": (len(alerts) if len(alerts) < MY_DAY_LIST_SHOWN else open_alerts.count()),
        "contacts_due": [(c, open_cadence_tasks.get(c.pk)) for c in contacts_due],
        "contacts_due_count": (
            len(contacts_due) if len(contacts_due) < MY_DAY_LIST_SHOWN else due.count()
        ),
        "contacts_due_url": reverse("customers:list") + f"?owner={person.pk}&contact_overdue=true",
        # A due contact's task links within the page only where the page lists it.
        "tasks_on_page": {task.pk for task in shown_overdue + due_soon},
        "complete_form": CompleteTaskForm(),
        "calendar_url": request.build_absolute_uri(calendar.feed_url(request.user)),
    }
    if is_manager(request.user):
        context["overdue_by_rep"] = (
            Task.objects.open()
            .filter(due_on__lt=today)
            .values("assignee", "assignee__username", "assignee__first_name", "assignee__last_name")
            .annotate(overdue=Count("pk"))
            .order_by("-overdue", "assignee__username")
        )
    return render(request, "agenda/my_day.html", context)


def visible_task(request: HttpRequest, task_id: int) -> Task:
    return get_object_or_404(
        Task.objects.visible_to(request.user).select_related("customer", "alert__rule", "step"),
        pk=task_id,
    )


@require_POST
def task_complete(request: HttpRequest, task_id: int) -> HttpResponse:
    task = visible_task(request, task_id)
    form = CompleteTaskForm(request.POST)
    if not form.is_valid():
        problems = [f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()]
        messages.error(request, _("Not done. %(problems)s") % {"problems": " ".join(problems)})
        return redirect_back(request, task.customer)
    task = services.complete_task(task, request.user, **form.cleaned_data)
    if task.interaction_id:
        messages.success(
            request,
            _("Done: %(task)s. The contact is on %(customer)s's timeline.")
            % {"task": task.display_title, "customer": task.customer.name},
        )
    else:
        messages.success(request, _("Done: %(task)s.") % {"task": task.display_title})
    return redirect_back(request, task.customer)


@require_POST
def task_cancel(request: HttpRequest, task_id: int) -> HttpResponse:
    task = visible_task(request, task_id)
    form = CancelTaskForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.cancel_task(task, request.user, reason)
    messages.success(request, _("Cancelled: %(task)s.") % {"task": task.display_title})
    return redirect_back(request, task.customer)


@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest, number: str) -> HttpResponse:
    """A new task for the customer; ?alert= prefills it from the alert's guidance,
    ?plan= makes it a measure of an action plan."""
    customer = visible_customer(request, number)
    task = Task(customer=customer, assignee=customer.owner or request.user)
    if alert_id := request.GET.get("alert"):
        alert = get_object_or_404(
            Alert.objects.unresolved().select_related("rule", "customer__owner"),
            pk=alert_id,
            customer=customer,
        )
        task = services.task_from_alert(alert, request.user)
    if plan_id := request.GET.get("plan"):
        task.plan = get_object_or_404(ActionPlan, pk=plan_id, customer=customer)
        task.origin = TaskOrigin.PLAN
    initial = {"due_on": task.due_on or timezone.localdate(), "kind": task.kind or "call"}
    form = TaskForm(request.POST or None, instance=task, user=request.user, customer=customer,
                    initial=initial)  # fmt: skip
    if form.is_valid():
        task = form.save()
        messages.success(request, _("Task “%(task)s” added.") % {"task": task.display_title})
        return redirect(customer)
    context = {"form": form, "customer": customer, "heading": _("New task"), "task": task}
    return render(request, "agenda/task_form.html", context)


@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, task_id: int) -> HttpResponse:
    task = visible_task(request, task_id)
    if task.status != TaskStatus.OPEN:
        # Reached by the back button or a second tab: show the task as it ended.
        messages.info(request, _("Only open tasks can be changed; this one is closed."))
        return redirect("agenda:task", task.pk)
    form = TaskForm(request.POST or None, instance=task, user=request.user, customer=task.customer)
    if form.is_valid():
        form.save()
        messages.success(request, _("Task “%(task)s” saved.") % {"task": task.display_title})
        return redirect(task.customer)
    context = {"form": form, "customer": task.customer, "heading": _("Edit task"), "task": task}
    return render(request, "agenda/task_form.html", context)


@require_GET
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    """An open task lives on its customer's record; a closed one on a page of its own
    (the record lists only the last few, without their details)."""
    task = visible_task(request, task_id)
    if task.status == TaskStatus.OPEN:
        return redirect(f"{task.customer.get_absolute_url()}#task-{task.pk}")
    return render(request, "agenda/task_detail.html", {"task": task})


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, number: str, plan_id: int | None = None) -> HttpResponse:
    customer = visible_customer(request, number)
    plan = get_object_or_404(customer.plans, pk=plan_id) if plan_id else None
    form = ActionPlanForm(request.POST or None, instance=plan, user=request.user,
                          customer=customer)  # fmt: skip
    if form.is_valid():
        plan = form.save()
        messages.success(request, _("Action plan “%(goal)s” saved.") % {"goal": plan.goal})
        return redirect(f"{customer.get_absolute_url()}#plan-{plan.pk}")
    heading = _("Edit action plan") if plan else _("New action plan")
    return render(request, "customers/form_page.html",
                  {"form": form, "customer": customer, "heading": heading})  # fmt: skip


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    user = calendar.user_for_token(token)
    if user is None:
        raise Http404("unknown calendar")
    # Calendar apps send no language: the feed speaks the one the user chose in the cockpit.
    profile = UserProfile.objects.filter(user=user).first()
    with translation.override(profile.language if profile else settings.LANGUAGE_CODE):
        body = calendar.tasks_calendar(user, request.build_absolute_uri("/").rstrip("/"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
