"""Tasks people work on: completing one logs the contact, tasks from alerts, My day,
action plans and the calendar feed."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from agenda.calendar import feed_url
from agenda.models import ActionPlan, ContactCadence, Task
from alerts.evaluation import evaluate
from alerts.models import Alert, ToleranceRule
from cockpit.models import UserProfile
from cockpit.people import person_name
from customers.kpis import runs
from customers.models import CustomerKPI, Interaction
from tests.agenda.test_cadence import touch
from tests.alerts.test_evaluation import rule, with_kpis
from tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 30, 8, tzinfo=dt.UTC)
TODAY = NOW.date()


def task(customer, **fields) -> Task:
    values = {"assignee": customer.owner, "kind": "call", "due_on": TODAY, "created_at": NOW}
    return Task.objects.create(customer=customer, **(values | fields))


@time_machine.travel(NOW, tick=False)
def test_completing_a_call_logs_it_and_puts_the_contact_back_in_time(
    client_a, rep_a, customer_a, django_capture_on_commit_callbacks
):
    ContactCadence.objects.all().delete()
    ContactCadence.objects.create(name="Everybody", interval_days=30)
    person = ContactFactory(customer=customer_a, name="Erika Mustermann")
    touch(customer_a, "2026-04-01")
    runs.recompute_all(TODAY)
    assert CustomerKPI.objects.get(customer=customer_a).contact_overdue_days == 60
    call = task(customer_a, contact=person, origin="cadence")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            reverse("agenda:task_complete", args=[call.pk]),
            {"outcome": "Rahmenvertrag besprochen", "rating": "positive", "satisfaction": "5"},
        )
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.status, call.outcome, call.completed_by) == (
        "done", "Rahmenvertrag besprochen", rep_a,
    )  # fmt: skip
    logged = Interaction.objects.get(task=call)
    assert (logged.channel, logged.direction, logged.rating, logged.satisfaction) == (
        "phone", "outbound", "positive", 5,
    )  # fmt: skip
    assert (logged.contact, logged.user, logged.summary) == (
        person, rep_a, "Rahmenvertrag besprochen",
    )  # fmt: skip
    kpi = CustomerKPI.objects.get(customer=customer_a)  # recomputed when the call committed
    assert (kpi.contact_overdue_days, kpi.contact_due_on) == (0, dt.date(2026, 7, 30))
    timeline = client_a.get(customer_a.get_absolute_url()).content.decode()
    assert "Rahmenvertrag besprochen" in timeline


@time_machine.travel(NOW, tick=False)
def test_a_task_of_another_kind_logs_no_contact(client_a, customer_a):
    chore = task(customer_a, kind="other", title="Prepare the offer")
    client_a.post(reverse("agenda:task_complete", args=[chore.pk]), {"rating": "neutral"})
    chore.refresh_from_db()
    assert (chore.status, chore.interaction) == ("done", None)
    assert not Interaction.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_cadence_task_can_be_moved_without_giving_it_a_title(client_a, rep_a, customer_a):
    visit = task(customer_a, kind="visit", origin="cadence")
    page = client_a.get(reverse("agenda:task_edit", args=[visit.pk])).content.decode()
    assert 'placeholder="Contact due: Visit"' in page
    response = client_a.post(
        reverse("agenda:task_edit", args=[visit.pk]),
        {"kind": "visit", "title": "", "due_on": "2026-07-03", "assignee": rep_a.pk},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.title, visit.due_on, visit.display_title) == (
        "", dt.date(2026, 7, 3), "Contact due: Visit",
    )  # fmt: skip


@time_machine.travel(NOW, tick=False)
def test_a_task_is_not_made_or_moved_due_in_the_past(client_a, rep_a, customer_a):
    create = reverse("agenda:task_create", args=[customer_a.number])
    callback = {"kind": "call", "title": "Call back", "assignee": rep_a.pk}
    refused = client_a.post(create, callback | {"due_on": "2020-01-01"})
    assert refused.context["form"].errors == {"due_on": ["Due today or a later day."]}
    assert not Task.objects.exists()
    overdue = task(customer_a, due_on=dt.date(2026, 6, 1), title="Send the offer")
    edit = reverse("agenda:task_edit", args=[overdue.pk])
    keep = {"kind": "call", "title": "Send the offer, revised", "assignee": rep_a.pk}
    assert client_a.post(edit, keep | {"due_on": "2026-06-01"}).status_code == 302  # kept
    moved = client_a.post(edit, keep | {"due_on": "2026-05-01"})
    assert moved.context["form"].errors == {"due_on": ["Due today or a later day."]}
    overdue.refresh_from_db()
    assert (overdue.title, overdue.due_on) == ("Send the offer, revised", dt.date(2026, 6, 1))


@time_machine.travel(NOW, tick=False)
def test_a_closed_task_opened_for_editing_shows_how_it_ended(client_a, customer_a):
    call = task(customer_a, title="Ask about the reorder")
    client_a.post(
        reverse("agenda:task_complete", args=[call.pk]),
        {"outcome": "Orders 500 next week", "rating": "positive", "satisfaction": "4"},
    )
    page = client_a.get(reverse("agenda:task_edit", args=[call.pk]), follow=True)
    assert page.redirect_chain == [(reverse("agenda:task", args=[call.pk]), 302)]
    content = page.content.decode()
    assert "Only open tasks can be changed; this one is closed." in content
    assert "<dt>How was it?</dt><dd>Positive (gold) · satisfaction 4 of 5</dd>" in content
    assert "<dd>Orders 500 next week</dd>" in content


def test_a_rep_cannot_touch_another_reps_tasks(client_a, customer_b):
    theirs = task(customer_b)
    response = client_a.post(reverse("agenda:task_complete", args=[theirs.pk]), {})
    assert response.status_code == 404
    assert client_a.get(reverse("agenda:task_edit", args=[theirs.pk])).status_code == 404


class TestTaskFromAlert:
    @pytest.fixture(autouse=True)
    def frozen(self):
        with time_machine.travel(NOW, tick=False):
            yield

    @pytest.fixture
    def alert(self, customer_a):
        ToleranceRule.objects.all().delete()
        rule(name="No purchase for long", guidance="Offer a reorder and agree on a next step.")
        with_kpis(customer_a, recency_days=400)
        evaluate(1, now=NOW)
        return Alert.objects.get()

    def test_one_click_prefills_the_task_with_the_guidance(self, client_a, alert):
        url = reverse("agenda:task_create", args=[alert.customer.number]) + f"?alert={alert.pk}"
        form = client_a.get(url).context["form"]
        assert (form["title"].value(), form["notes"].value(), form["due_on"].value()) == (
            "No purchase for long", "Offer a reorder and agree on a next step.", TODAY,
        )  # fmt: skip
        fields = {"kind": "call", "title": "No purchase for long", "due_on": "2026-06-30",
                  "assignee": alert.customer.owner_id, "notes": "Offer a reorder."}  # fmt: skip
        client_a.post(url, fields)
        created = Task.objects.get()
        assert (created.origin, created.alert, created.assignee) == (
            "alert", alert, alert.customer.owner,
        )  # fmt: skip
        record = client_a.get(alert.customer.get_absolute_url()).content.decode()
        assert f'Task: <a href="#task-{created.pk}">No purchase for long</a> · Open' in record

    def test_a_task_from_an_alert_reads_in_the_readers_language(self, client_a, alert):
        alert.rule.name_de, alert.rule.guidance_de = "Lange kein Kauf", "Nachbestellung anbieten."
        alert.rule.save()
        from_alert = task(alert.customer, origin="alert", alert=alert, title=alert.rule.name,
                          notes=alert.rule.guidance)  # fmt: skip
        reworded = task(alert.customer, origin="alert", alert=alert, title="Reorder call",
                        notes="Ask for Mr Weber.")  # fmt: skip
        url = reverse("agenda:my_day")
        german = client_a.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
        english = client_a.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "<strong>Lange kein Kauf</strong>" in german
        assert '<p class="small">Nachbestellung anbieten.</p>' in german
        assert "<strong>No purchase for long</strong>" in english
        assert ("<strong>Reorder call</strong>" in german, "Ask for Mr Weber." in german) == (
            True, True,
        )  # fmt: skip
        assert (from_alert.title, reworded.title) == ("No purchase for long", "Reorder call")
        edit = reverse("agenda:task_edit", args=[from_alert.pk])
        form = client_a.get(edit, HTTP_ACCEPT_LANGUAGE="de").context["form"]
        assert (form["title"].value(), form["notes"].value()) == (
            "Lange kein Kauf", "Nachbestellung anbieten.",
        )  # fmt: skip
        # The calendar feed too, title and description, in the profile's language.
        UserProfile.objects.create(user=alert.customer.owner, language="de")
        feed = client_a.get(feed_url(alert.customer.owner)).content.decode()
        assert "SUMMARY:Lange kein Kauf · " in feed
        assert "DESCRIPTION:Nachbestellung anbieten." in feed

    def test_completing_the_task_acknowledges_the_alert(self, client_a, rep_a, alert):
        follow_up = task(alert.customer, origin="alert", alert=alert, title="Reorder call")
        client_a.post(
            reverse("agenda:task_complete", args=[follow_up.pk]),
            {"outcome": "Reorder agreed", "rating": "positive", "acknowledge_alert": "on"},
        )
        alert.refresh_from_db()
        assert alert.state == "acknowledged"
        assert (alert.events.last().user, alert.events.last().note) == (rep_a, "Reorder agreed")
        assert client_a.get(reverse("alerts:inbox")).context["page"].paginator.count == 0
        my_day = client_a.get(reverse("agenda:my_day")).context
        assert my_day["alerts"] == []


@time_machine.travel(NOW, tick=False)
def test_my_day_sorts_the_reps_tasks_and_shows_contacts_due(client_a, rep_a, rep_b, customer_a):
    late = task(customer_a, due_on=dt.date(2026, 6, 25), title="Late")
    today = task(customer_a, title="Today")
    friday = task(customer_a, due_on=dt.date(2026, 7, 3), title="Friday")
    task(customer_a, due_on=dt.date(2026, 7, 10), title="Next week")
    task(CustomerFactory(owner=rep_b), assignee=rep_b, title="Not mine")
    with_kpis(customer_a, contact_due_on=dt.date(2026, 7, 2), contact_overdue_days=0)
    context = client_a.get(reverse("agenda:my_day")).context
    assert (context["overdue"], context["due_today"], context["this_week"]) == (
        [late], [today], [friday],
    )  # fmt: skip
    assert [customer for customer, _task in context["contacts_due"]] == [customer_a]
    assert "overdue_by_rep" not in context


@time_machine.travel(NOW, tick=False)
def test_a_due_contacts_task_links_within_my_day_only_where_my_day_lists_it(
    client_a, rep_a, monkeypatch
):
    monkeypatch.setattr("agenda.views.MY_DAY_OVERDUE_SHOWN", 1)
    listed_customer, hidden_customer = CustomerFactory(owner=rep_a), CustomerFactory(owner=rep_a)
    listed = task(listed_customer, due_on=dt.date(2026, 6, 1), origin="cadence")
    hidden = task(hidden_customer, due_on=dt.date(2026, 6, 2), origin="cadence")
    for customer in (listed_customer, hidden_customer):
        with_kpis(customer, contact_due_on=dt.date(2026, 6, 1), contact_overdue_days=29)
    response = client_a.get(reverse("agenda:my_day"))
    assert response.context["overdue"] == [listed]
    content = response.content.decode()
    assert f'href="#task-{listed.pk}">See the task' in content
    assert f'href="{hidden.get_absolute_url()}">See the task' in content


@time_machine.travel(NOW, tick=False)
def test_a_managers_view_of_a_reps_day_links_that_reps_alerts(client_manager, rep_b, monkeypatch):
    monkeypatch.setattr("agenda.views.MY_DAY_LIST_SHOWN", 1)
    rule()
    for _ in range(2):
        with_kpis(CustomerFactory(owner=rep_b), recency_days=400)
    evaluate(1, now=NOW)
    content = client_manager.get(reverse("agenda:my_day"), {"user": rep_b.pk}).content.decode()
    assert f'href="/alerts/?owner={rep_b.pk}">All in the alert inbox' in content


@time_machine.travel(NOW, tick=False)
def test_managers_see_overdue_tasks_per_rep_and_any_reps_day(
    client_manager, rep_a, rep_b, customer_a, customer_b
):
    task(customer_a, due_on=dt.date(2026, 6, 1))
    task(customer_a, due_on=dt.date(2026, 6, 2))
    task(customer_b, due_on=dt.date(2026, 6, 3))
    task(customer_b, due_on=dt.date(2026, 7, 3))  # not overdue
    rows = client_manager.get(reverse("agenda:my_day")).context["overdue_by_rep"]
    assert [(r["assignee__username"], r["overdue"]) for r in rows] == [("rep_a", 2), ("rep_b", 1)]
    reps_day = client_manager.get(reverse("agenda:my_day") + f"?user={rep_b.pk}").context
    assert (reps_day["person"], len(reps_day["overdue"])) == (rep_b, 1)


def test_my_day_reads_in_german(client_a):
    content = client_a.get(reverse("agenda:my_day"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Mein Tag" in content
    assert "Heute fällig" in content


@time_machine.travel(NOW, tick=False)
def test_an_action_plan_shows_its_progress_on_the_record(client_a, rep_a, customer_a):
    client_a.post(
        reverse("agenda:plan_create", args=[customer_a.number]),
        {"goal": "Rahmenvertrag 2027 sichern", "responsible": rep_a.pk, "review_on": "2026-09-30"},
    )
    plan = ActionPlan.objects.get()
    task(customer_a, plan=plan, origin="plan", title="Bedarf klären", status="done")
    task(customer_a, plan=plan, origin="plan", title="Angebot schicken")
    task(customer_a, plan=plan, origin="plan", title="Verworfen", status="cancelled")
    record = client_a.get(customer_a.get_absolute_url()).content.decode()
    assert "Rahmenvertrag 2027 sichern" in record
    assert "1 of 2 measures done" in record


@time_machine.travel(NOW, tick=False)
def test_an_action_plans_form_names_people_and_looks_ahead(client_a, rep_a, customer_a):
    url = reverse("agenda:plan_create", args=[customer_a.number])
    form = client_a.get(url).content.decode()
    assert f'<option value="{rep_a.pk}">{person_name(rep_a)}</option>' in form
    fields = {"goal": "Rahmenvertrag 2027 sichern", "responsible": rep_a.pk}
    past = client_a.post(url, fields | {"review_on": "2020-01-01"})
    assert past.context["form"].errors["review_on"] == ["Review on today or a later day."]
    client_a.post(url, fields | {"review_on": "2026-09-30"})
    plan = ActionPlan.objects.get()
    # Travelled past its review, the plan saves with its date unchanged.
    with time_machine.travel(dt.datetime(2026, 10, 15, 8, tzinfo=dt.UTC), tick=False):
        edit = reverse("agenda:plan_edit", args=[customer_a.number, plan.pk])
        saved = client_a.post(edit, fields | {"review_on": "2026-09-30", "status": plan.status,
                                              "goal": "Rahmenvertrag 2027"})  # fmt: skip
    assert saved.status_code == 302
    assert ActionPlan.objects.get().goal == "Rahmenvertrag 2027"


@time_machine.travel(NOW, tick=False)
def test_the_calendar_feed_lists_the_users_open_tasks(client, rep_a, customer_a):
    task(customer_a, title="Reorder call", due_on=dt.date(2026, 7, 2))
    task(customer_a, title="Done already", status="done")
    task(customer_a, title="Send the offer", due_on=dt.date(2026, 3, 1))
    response = client.get(feed_url(rep_a))  # calendar apps cannot log in
    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "SUMMARY:Reorder call · Alpha Maschinenbau GmbH" in body
    assert "DTSTART;VALUE=DATE:20260702" in body
    # Overdue: on today, saying since when.
    [overdue] = [event for event in body.split("BEGIN:VEVENT") if "Send the offer" in event]
    assert "DTSTART;VALUE=DATE:20260630" in overdue
    assert "DESCRIPTION:Overdue since 2026-03-01." in overdue
    assert "Done already" not in body
    assert client.get("/agenda/calendar/forged.ics").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_the_calendar_feed_speaks_the_language_the_user_chose(client, rep_a, customer_a):
    UserProfile.objects.create(user=rep_a, language="de")
    task(customer_a, origin="cadence", kind="visit", title="")
    body = client.get(feed_url(rep_a)).content.decode()  # calendar apps send no language
    assert "SUMMARY:Kontakt fällig: Besuch · Alpha Maschinenbau GmbH" in body


@time_machine.travel(NOW, tick=False)
def test_my_day_shows_red_first_even_behind_a_hundred_older_yellow_alerts(client_a, rep_a):
    ToleranceRule.objects.all().delete()
    late = rule(name="Late")
    for n in range(101):
        Alert.objects.create(customer=CustomerFactory(owner=rep_a), rule=late, level="yellow",
                             state="open", bound=1, opened_at=NOW - dt.timedelta(days=200 - n),
                             changed_at=NOW)  # fmt: skip
    red = Alert.objects.create(customer=CustomerFactory(owner=rep_a), rule=late, level="red",
                               state="open", bound=2, opened_at=NOW, changed_at=NOW)  # fmt: skip
    shown = client_a.get(reverse("agenda:my_day")).context["alerts"]
    assert (shown[0], len(shown)) == (red, 100)


def test_a_manager_asking_for_a_day_of_no_such_user_gets_404(client_manager):
    assert client_manager.get(reverse("agenda:my_day") + "?user=abc").status_code == 404
    assert client_manager.get(reverse("agenda:my_day") + "?user=999999").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_my_day_says_when_a_long_list_is_cut_and_where_the_rest_is(client_a, rep_a, monkeypatch):
    monkeypatch.setattr("agenda.views.MY_DAY_LIST_SHOWN", 2)
    ToleranceRule.objects.all().delete()
    rule()
    for _ in range(3):
        with_kpis(CustomerFactory(owner=rep_a), recency_days=400,
                  contact_due_on=dt.date(2026, 6, 1))  # fmt: skip
    evaluate(1, now=NOW)
    page = client_a.get(reverse("agenda:my_day")).content.decode()
    assert "The 2 reddest and most valuable of 3 open alerts." in page
    assert "The 2 longest due of 3." in page
    assert f"?owner={rep_a.pk}&amp;contact_overdue=true" in page


@time_machine.travel(NOW, tick=False)
def test_a_closed_tasks_page_shows_it_and_an_open_one_leads_to_the_record(
    client_a, rep_a, customer_a
):
    open_task = task(customer_a, title="Call about the reorder")
    assert client_a.get(open_task.get_absolute_url()).url == (
        f"{customer_a.get_absolute_url()}#task-{open_task.pk}"
    )
    client_a.post(reverse("agenda:task_cancel", args=[open_task.pk]), {"reason": "Customer moved"})
    page = client_a.get(open_task.get_absolute_url())
    assert page.status_code == 200
    content = page.content.decode()
    assert "<h1>Call about the reorder</h1>" in content
    assert "<dt>Reason</dt><dd>Customer moved</dd>" in content
    german = client_a.get(open_task.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de")
    assert "<dt>Begründung</dt>" in german.content.decode()


def test_only_a_key_account_without_a_plan_is_told_it_deserves_one(client_a, customer_a):
    hint = "Key accounts deserve one: a goal, measures and a review date."
    with_kpis(customer_a, value_class="A")
    assert hint in client_a.get(customer_a.get_absolute_url()).content.decode()
    with_kpis(customer_a, value_class="C")
    page = client_a.get(customer_a.get_absolute_url()).content.decode()
    assert hint not in page and "No action plan." in page
