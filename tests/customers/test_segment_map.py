"""The RFM segment map: an admin edits it in the admin, and every customer follows."""

import pytest
from django.urls import reverse
from django.utils import translation

from alerts.models import Alert, ToleranceRule
from customers.admin import segment_grid
from customers.kpis import runs
from customers.models import CustomerKPI, RFMSegment
from tests.conftest import logged_in
from tests.customers.test_kpis import AS_OF, ten_buyers  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def segment_of(number: str) -> str | None:
    return CustomerKPI.objects.get(customer__number=number).rfm_segment.code


def test_the_shipped_map_gives_every_cell_of_the_grid_a_segment():
    grid = segment_grid()
    codes = [[cell.code for cell in row["cells"]] for row in grid]
    assert [row["r"] for row in grid] == [5, 4, 3, 2, 1]
    assert codes[0] == ["new", "potential_loyalist", "potential_loyalist", "champions",
                        "champions"]  # fmt: skip
    assert codes[4] == ["lost", "lost", "at_risk", "at_risk", "cant_lose_them"]


def test_the_admin_sees_the_grid_in_both_languages(admin_user):
    client = logged_in(admin_user)
    url = reverse("admin:customers_rfmsegment_changelist")
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "R x F grid: the segment of each cell" in english
    assert "<td>Can&#x27;t lose them</td>" in english
    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "R x F-Raster: das Segment jeder Zelle" in german
    assert "<td>Nicht verlieren</td>" in german


def test_editing_the_map_resegments_every_customer_at_once(
    admin_user,
    ten_buyers,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    runs.recompute_all(AS_OF)
    assert (segment_of("B-01"), segment_of("B-03")) == ("lost", "hibernating")
    hibernating = RFMSegment.objects.get(code="hibernating")
    ToleranceRule.objects.all().delete()
    wake_up = ToleranceRule.objects.create(
        name="Wake the sleepers", kpi="recency_days", direction="too_high", yellow_bound=1,
        red_bound=2, guidance="Call them.",
    )  # fmt: skip
    wake_up.segments.set([hibernating])
    client = logged_in(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:customers_rfmsegment_change", args=[hibernating.pk]),
            {
                "name_en": "Hibernating", "name_de": "Im Winterschlaf", "r_min": 1,
                "r_max": 2, "f_min": 1, "f_max": 2, "priority": 1, "description": "",
                "description_de": "",
            },
        )  # fmt: skip
    assert response.status_code == 302
    # The lowest priority now wins the cells "lost" had: B-01 is hibernating too.
    assert (segment_of("B-01"), segment_of("B-03")) == ("hibernating", "hibernating")
    # Then the alerts: the rule scoped to the segment now covers B-01 and B-02 too.
    alerted = Alert.objects.filter(rule=wake_up).values_list("customer__number", flat=True)
    assert sorted(alerted) == ["B-01", "B-02", "B-03", "B-04"]
    assert runs.resegment_book() == 0  # a second run changes nothing


def test_the_segment_tooltip_reads_in_the_page_language():
    champions = RFMSegment.objects.get(code="champions")
    with translation.override("de"):
        assert champions.localized_description == (
            "Haben kürzlich gekauft und kaufen oft. Belohnen Sie sie; bitten Sie um Empfehlungen."
        )
    with translation.override("en"):
        assert champions.localized_description == (
            "Bought recently, buy often. Reward them; ask for referrals."
        )


def test_a_map_edited_while_a_full_run_computes_is_applied_when_it_finishes(
    ten_buyers,  # noqa: F811
):
    runs.recompute_all(AS_OF)
    chunks = runs.chunk_ranges(1000)
    run = runs.begin_full_run(AS_OF, chunks)
    for first_id, last_id in chunks:
        runs.run_chunk(run.pk, first_id, last_id)
    RFMSegment.objects.filter(code="hibernating").update(r_min=1, priority=1)  # mid-run
    runs.finish_full_run(run.pk)
    assert (segment_of("B-01"), segment_of("B-03")) == ("hibernating", "hibernating")


def test_the_admins_selection_widget_reads_in_german(admin_user):
    client = logged_in(admin_user)
    catalogue = client.get(reverse("admin:jsi18n"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Alle %s ausw\\u00e4hlen" in catalogue or "Alle %s auswählen" in catalogue


def test_a_segment_a_rule_is_limited_to_cannot_be_deleted(admin_user):
    ToleranceRule.objects.all().delete()
    hibernating = RFMSegment.objects.get(code="hibernating")
    rule = ToleranceRule.objects.create(
        name="Wake the sleepers", kpi="recency_days", direction="too_high", yellow_bound=1,
        red_bound=2, guidance="Call them.",
    )  # fmt: skip
    rule.segments.set([hibernating])
    client = logged_in(admin_user)
    url = reverse("admin:customers_rfmsegment_delete", args=[hibernating.pk])
    page = client.get(url).content.decode()
    assert "Tolerance rule “Wake the sleepers” is limited to this segment: change its scope" in page
    client.post(url, {"post": "yes"})
    assert list(rule.segments.values_list("code", flat=True)) == ["hibernating"]
    rule.segments.clear()
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not RFMSegment.objects.filter(code="hibernating").exists()


def test_a_change_of_the_segment_map_is_in_the_audit_log(admin_user):
    from auditlog.models import LogEntry

    hibernating = RFMSegment.objects.get(code="hibernating")
    logged_in(admin_user).post(
        reverse("admin:customers_rfmsegment_change", args=[hibernating.pk]),
        {"name_en": "Sleeping", "name_de": "Im Winterschlaf", "r_min": 1, "r_max": 2,
         "f_min": 1, "f_max": 2, "priority": 1, "description": "", "description_de": ""},
    )  # fmt: skip
    [entry] = LogEntry.objects.get_for_object(hibernating)
    assert (entry.actor, entry.changes_dict["name_en"]) == (admin_user, ["Hibernating", "Sleeping"])


def test_a_segment_with_its_bounds_the_wrong_way_round_names_the_score(admin_user):
    response = logged_in(admin_user).post(
        reverse("admin:customers_rfmsegment_add"),
        {"code": "odd", "name_en": "Odd", "name_de": "Seltsam", "r_min": 5, "r_max": 3,
         "f_min": 1, "f_max": 2, "priority": 50, "description": "", "description_de": ""},
    )  # fmt: skip
    assert response.context["adminform"].form.errors == {
        "r_max": ["“R to” must be at least “R from”."]
    }
    assert not RFMSegment.objects.filter(code="odd").exists()
