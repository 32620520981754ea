"""The KPI catalogue: what each number is, how to read it, which way is good.

Names are the contract with everything downstream (CustomerKPI columns, export columns,
tolerance rules, API fields). Thresholds live in the database and reference these names.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Unit(StrEnum):
    DAYS = "days"
    DATE = "date"
    COUNT = "count"
    MONEY = "money"
    PERCENT = "percent"
    PROBABILITY = "probability"  # stored 0..1, shown as a percentage
    NUMBER = "number"  # an expected count: a fraction
    RATIO = "ratio"
    SCORE = "score"
    LABEL = "label"


class Good(StrEnum):
    HIGH = "high"
    LOW = "low"
    NEUTRAL = "neutral"


class Group(StrEnum):
    MINIMAL_FOUR = "minimal_four"
    RHYTHM = "rhythm"
    TREND = "trend"
    RATIO = "ratio"
    PAYMENT = "payment"
    CONTACT = "contact"
    COST_TO_SERVE = "cost_to_serve"
    SCORES = "scores"
    PREDICTED = "predicted"


GROUP_LABELS: dict[Group, Promise] = {
    Group.MINIMAL_FOUR: _("The minimal four"),
    Group.RHYTHM: _("Rhythm"),
    Group.TREND: _("Trend"),
    Group.RATIO: _("Returns"),
    Group.PAYMENT: _("Payment"),
    Group.CONTACT: _("Contact"),
    Group.COST_TO_SERVE: _("Cost to serve"),
    Group.SCORES: _("Scores"),
    Group.PREDICTED: _("Predicted value"),
}


@dataclass(frozen=True)
class KPI:
    name: str
    label: Promise
    unit: Unit
    good: Good
    group: Group
    help: Promise
    main: bool = False  # sortable and filterable in the customer list


CATALOGUE: tuple[KPI, ...] = (
    KPI(
        "relationship_days",
        _("Relationship duration"),
        Unit.DAYS,
        Good.HIGH,
        Group.MINIMAL_FOUR,
        _("Days since the customer came: customer-since or first purchase, whichever is earlier."),
        main=True,
    ),
    KPI(
        "first_purchase_on",
        _("First purchase"),
        Unit.DATE,
        Good.NEUTRAL,
        Group.MINIMAL_FOUR,
        _("Date of the first order, invoice or contract."),
    ),
    KPI(
        "last_purchase_on",
        _("Last purchase"),
        Unit.DATE,
        Good.NEUTRAL,
        Group.MINIMAL_FOUR,
        _("Date of the latest order, invoice or contract."),
    ),
    KPI(
        "recency_days",
        _("Recency"),
        Unit.DAYS,
        Good.LOW,
        Group.MINIMAL_FOUR,
        _("Days since the last purchase."),
        main=True,
    ),
    KPI(
        "last_reaction_on",
        _("Last reaction"),
        Unit.DATE,
        Good.NEUTRAL,
        Group.MINIMAL_FOUR,
        _("The later of the last purchase and the last inbound contact."),
    ),
    KPI(
        "reaction_recency_days",
        _("Days since last reaction"),
        Unit.DAYS,
        Good.LOW,
        Group.MINIMAL_FOUR,
        _("Days since the customer last bought or got in touch."),
    ),
    KPI(
        "frequency",
        _("Purchases"),
        Unit.COUNT,
        Good.HIGH,
        Group.MINIMAL_FOUR,
        _("Number of orders, invoices and contracts, all time."),
        main=True,
    ),
    KPI(
        "frequency_12m",
        _("Purchases, 12 months"),
        Unit.COUNT,
        Good.HIGH,
        Group.MINIMAL_FOUR,
        _("Number of purchases in the last 365 days."),
        main=True,
    ),
    KPI(
        "contracts",
        _("Contracts"),
        Unit.COUNT,
        Good.HIGH,
        Group.MINIMAL_FOUR,
        _("Number of contracts, all time."),
    ),
    KPI(
        "contracts_12m",
        _("Contracts, 12 months"),
        Unit.COUNT,
        Good.HIGH,
        Group.MINIMAL_FOUR,
        _("Number of contracts in the last 365 days."),
    ),
    KPI(
        "monetary_total",
        _("Net revenue"),
        Unit.MONEY,
        Good.HIGH,
        Group.MINIMAL_FOUR,
        _("Purchases minus returns and credit notes, all time."),
        main=True,
    ),
    KPI(
        "monetary_avg",
        _("Revenue per purchase"),
        Unit.MONEY,
        Good.HIGH,
        Group.MINIMAL_FOUR,
        _("Net revenue divided by the number of purchases."),
    ),
    KPI(
        "revenue_12m",
        _("Net revenue, 12 months"),
        Unit.MONEY,
        Good.HIGH,
        Group.MINIMAL_FOUR,
        _("Purchases minus returns and credit notes in the last 365 days."),
        main=True,
    ),
    KPI(
        "purchase_interval_days",
        _("Usual purchase interval"),
        Unit.DAYS,
        Good.NEUTRAL,
        Group.RHYTHM,
        _("Mean days between purchases (from two purchases on)."),
    ),
    KPI(
        "recency_ratio",
        _("Recency vs. usual interval"),
        Unit.RATIO,
        Good.LOW,
        Group.RHYTHM,
        _(
            "Days since the last purchase divided by the usual interval: 1.0 is on schedule, "
            "2.0 twice as long as usual."
        ),
        main=True,
    ),
    KPI(
        "revenue_prev_12m",
        _("Net revenue, prior 12 months"),
        Unit.MONEY,
        Good.NEUTRAL,
        Group.TREND,
        _("Net revenue in the 365 days before the last 365."),
    ),
    KPI(
        "revenue_trend_pct",
        _("Revenue trend"),
        Unit.PERCENT,
        Good.HIGH,
        Group.TREND,
        _(
            "Last 12 months against the 12 before, in percent; empty when the earlier window "
            "had no revenue."
        ),
        main=True,
    ),
    KPI(
        "frequency_prev_12m",
        _("Purchases, prior 12 months"),
        Unit.COUNT,
        Good.NEUTRAL,
        Group.TREND,
        _("Number of purchases in the 365 days before the last 365."),
    ),
    KPI(
        "frequency_trend_pct",
        _("Purchase trend"),
        Unit.PERCENT,
        Good.HIGH,
        Group.TREND,
        _("Purchases in the last 12 months against the 12 before, in percent."),
    ),
    KPI(
        "return_ratio",
        _("Return ratio"),
        Unit.PERCENT,
        Good.LOW,
        Group.RATIO,
        _("Returns and credit notes divided by gross sales, last 12 months."),
    ),
    KPI(
        "payment_delay_days",
        _("Payment delay"),
        Unit.DAYS,
        Good.LOW,
        Group.PAYMENT,
        _(
            "Average days paid after the due date, over invoices of the last 12 months that "
            "are paid (early payment counts as 0)."
        ),
        main=True,
    ),
    KPI(
        "overdue_amount",
        _("Overdue amount"),
        Unit.MONEY,
        Good.LOW,
        Group.PAYMENT,
        _("Unpaid amounts past their due date."),
        main=True,
    ),
    KPI(
        "last_contact_on",
        _("Last contact"),
        Unit.DATE,
        Good.NEUTRAL,
        Group.CONTACT,
        _("Latest touchpoint with the customer or one of its contact persons."),
    ),
    KPI(
        "days_since_contact",
        _("Days since contact"),
        Unit.DAYS,
        Good.LOW,
        Group.CONTACT,
        _("Days since the latest touchpoint, in either direction."),
        main=True,
    ),
    KPI(
        "contact_due_on",
        _("Next contact due"),
        Unit.DATE,
        Good.NEUTRAL,
        Group.CONTACT,
        _(
            "Last touch plus the contact cadence that applies (by value class, segment or "
            "industry, or the customer's own); a cadence for visits counts only the last "
            "visit or event. Empty when the customer opted out."
        ),
    ),
    KPI(
        "last_in_person_on",
        _("Last visit or event"),
        Unit.DATE,
        Good.NEUTRAL,
        Group.CONTACT,
        _("The last time someone met the customer in person: a visit or an event."),
    ),
    KPI(
        "contact_overdue_days",
        _("Contact overdue"),
        Unit.DAYS,
        Good.LOW,
        Group.CONTACT,
        _("Days past the next contact's due date; 0 while the contact is not yet due."),
        main=True,
    ),
    KPI(
        "contacts_90d",
        _("Contacts, 90 days"),
        Unit.COUNT,
        Good.HIGH,
        Group.CONTACT,
        _("Touchpoints in the last 90 days."),
    ),
    KPI(
        "complaints_90d",
        _("Complaints, 90 days"),
        Unit.COUNT,
        Good.LOW,
        Group.CONTACT,
        _("Complaints in the last 90 days."),
        main=True,
    ),
    KPI(
        "service_requests_90d",
        _("Service requests, 90 days"),
        Unit.COUNT,
        Good.LOW,
        Group.CONTACT,
        _("Service requests in the last 90 days."),
    ),
    KPI(
        "dark_share_12m",
        _("Share of negative contacts"),
        Unit.PERCENT,
        Good.LOW,
        Group.CONTACT,
        _('Negative ("dark") touchpoints as a share of all, last 12 months.'),
    ),
    KPI(
        "satisfaction_avg_12m",
        _("Satisfaction"),
        Unit.SCORE,
        Good.HIGH,
        Group.CONTACT,
        _("Average satisfaction score (1-5) of the last 12 months."),
    ),
    KPI(
        "relationship_account",
        _("Relationship account"),
        Unit.COUNT,
        Good.HIGH,
        Group.CONTACT,
        _(
            'Positive ("gold") minus negative ("dark") touchpoints, last 12 months: each '
            "contact fills or drains the account."
        ),
    ),
    KPI(
        "cost_to_serve",
        _("Service load per 1,000 revenue"),
        Unit.RATIO,
        Good.LOW,
        Group.COST_TO_SERVE,
        _(
            "Complaints and service requests of the last 12 months per 1,000 of 12-month "
            "revenue: who takes the service effort for little revenue."
        ),
    ),
    KPI(
        "r_score",
        _("R score"),
        Unit.SCORE,
        Good.HIGH,
        Group.SCORES,
        _("Recency quintile among buying customers: 5 = most recent."),
    ),
    KPI(
        "f_score",
        _("F score"),
        Unit.SCORE,
        Good.HIGH,
        Group.SCORES,
        _("Frequency quintile among buying customers: 5 = most purchases."),
    ),
    KPI(
        "m_score",
        _("M score"),
        Unit.SCORE,
        Good.HIGH,
        Group.SCORES,
        _("Net revenue quintile among buying customers: 5 = highest."),
    ),
    KPI(
        "rfm_segment",
        _("RFM segment"),
        Unit.LABEL,
        Good.NEUTRAL,
        Group.SCORES,
        _("The cell of the R x F grid the customer falls in (segment map set by the admin)."),
    ),
    KPI(
        "value_class",
        _("Value class"),
        Unit.LABEL,
        Good.NEUTRAL,
        Group.SCORES,
        _(
            "A: the customers that make the first 80% of 12-month revenue, B: the next 15%, "
            "C: the rest."
        ),
    ),
    KPI(
        "lifecycle_phase",
        _("Life-cycle phase"),
        Unit.LABEL,
        Good.NEUTRAL,
        Group.SCORES,
        _(
            "Prospect, new, growing, loyal, at risk, lapsed or terminated (see the rules in "
            "the documentation)."
        ),
    ),
    KPI(
        "p_alive",
        _("Probability still active"),
        Unit.PROBABILITY,
        Good.HIGH,
        Group.PREDICTED,
        _(
            "How likely the customer still buys, from how often and how recently they bought "
            "(BG/NBD model). Empty until a customer has bought a second time."
        ),
    ),
    KPI(
        "expected_purchases_90d",
        _("Expected purchases, next 90 days"),
        Unit.NUMBER,
        Good.HIGH,
        Group.PREDICTED,
        _("Purchase days the model expects in the next 90 days (BG/NBD)."),
    ),
    KPI(
        "clv_12m",
        _("Customer lifetime value, 12 months"),
        Unit.MONEY,
        Good.HIGH,
        Group.PREDICTED,
        _(
            "Expected spend of the next 12 months, discounted monthly (BG/NBD purchases "
            "times Gamma-Gamma spend per purchase)."
        ),
    ),
)

BY_NAME: dict[str, KPI] = {kpi.name: kpi for kpi in CATALOGUE}
MAIN_KPIS: tuple[KPI, ...] = tuple(kpi for kpi in CATALOGUE if kpi.main)


def kpis_by_group() -> list[tuple[Group, Promise, list[KPI]]]:
    return [
        (group, GROUP_LABELS[group], [kpi for kpi in CATALOGUE if kpi.group == group])
        for group in Group
    ]
