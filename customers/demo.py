"""The demo book of business: German B2B and B2C customers with years of history.

Every customer follows one behaviour (loyal, growing, declining, lapsed, new,
complaint-heavy, late payer, prospect), so KPIs and alerts have something to show.
The book is a pure function of the seed and the as-of date; writing it uses bulk inserts.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from cockpit.roles import Role
from customers.choices import (
    Channel,
    CustomerKind,
    Direction,
    Industry,
    InteractionKind,
    Rating,
    TransactionKind,
)
from customers.models import Contact, Customer, Interaction, Transaction

DEMO_PASSWORD = "demo1234"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role


# rep2 and rep3 chose German: their pages, mails and calendar feed speak it from sign-in.
GERMAN_READERS = {"rep2", "rep3"}
DEMO_USERS = [
    DemoUser("rep1", "Lena", "Vogel", Role.SALES_REP),
    DemoUser("rep2", "Jonas", "Krüger", Role.SALES_REP),
    DemoUser("rep3", "Aylin", "Demir", Role.SALES_REP),
    DemoUser("manager", "Martina", "Hoffmann", Role.MANAGER),
    DemoUser("admin", "Alex", "Admin", Role.ADMIN),
]
REP_USERNAMES = [u.username for u in DEMO_USERS if u.role == Role.SALES_REP]

# Behaviour -> share of the book.
BEHAVIOURS = {
    "loyal": 30,
    "growing": 12,
    "declining": 15,
    "lapsed": 12,
    "new": 10,
    "complaint_heavy": 8,
    "late_payer": 8,
    "prospect": 5,
}

FIRST_NAMES = (
    "Anna Lukas Maria Felix Sophie Jonas Laura Paul Julia Leon Lea Maximilian Hannah Elias "
    "Katharina Finn Sarah Tim Johanna Moritz Clara David Emilia Niklas Marie Jan Lisa Tobias "
    "Sabine Thomas Petra Michael Andrea Stefan Claudia Frank Monika Jürgen Ursula Dieter"
).split()
LAST_NAMES = (
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch "
    "Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Hofmann Hartmann "
    "Lange Schmitt Werner Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König "
    "Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Vogel Friedrich "
    "Keller"
).split()
CITIES = (
    "Berlin Hamburg München Köln Frankfurt Stuttgart Düsseldorf Leipzig Dortmund Essen Bremen "
    "Dresden Hannover Nürnberg Augsburg Münster Karlsruhe Mannheim Bielefeld Freiburg"
).split()
LEGAL_FORMS = ["GmbH", "GmbH & Co. KG", "AG", "KG", "e.K.", "OHG", "GmbH"]
INDUSTRY_WORDS = {
    Industry.MANUFACTURING: [
        "Maschinenbau",
        "Metallverarbeitung",
        "Kunststofftechnik",
        "Werkzeugbau",
    ],
    Industry.WHOLESALE: ["Großhandel", "Handelsgesellschaft", "Vertrieb", "Import Export"],
    Industry.RETAIL: ["Fachhandel", "Einzelhandel", "Modehaus", "Elektromarkt"],
    Industry.INSURANCE: ["Versicherungsmakler", "Assekuranz", "Finanzberatung"],
    Industry.BANKING: ["Vermögensverwaltung", "Finanzdienstleistungen", "Leasing"],
    Industry.HEALTHCARE: ["Medizintechnik", "Praxisbedarf", "Pflegedienste", "Laborbedarf"],
    Industry.IT_SERVICES: ["IT-Systemhaus", "Software", "Datentechnik", "Digital Solutions"],
    Industry.CONSTRUCTION: ["Bau", "Hochbau", "Haustechnik", "Dachdeckerei"],
    Industry.LOGISTICS: ["Logistik", "Spedition", "Transporte", "Lagerlogistik"],
    Industry.HOSPITALITY: ["Hotel", "Gastronomie", "Catering", "Tagungshaus"],
}
ROLES = [
    "Geschäftsführung",
    "Einkauf",
    "Einkaufsleitung",
    "Technische Leitung",
    "Buchhaltung",
    "Vertrieb",
    "Assistenz der Geschäftsführung",
]
CALL_SUMMARIES = {
    InteractionKind.CONTACT: [
        "Quartalsgespräch, Bedarf für das nächste Halbjahr besprochen.",
        "Neues Angebot vorgestellt, Kunde meldet sich.",
        "Kurzer Anruf zur Lieferplanung.",
        "Besuch vor Ort, Produktion besichtigt.",
        "Messegespräch, Interesse an der neuen Produktlinie.",
        "Jahresgespräch mit der Geschäftsführung.",
    ],
    InteractionKind.COMPLAINT: [
        "Reklamation: Lieferung unvollständig.",
        "Beschwerde über verspätete Lieferung.",
        "Rechnung fehlerhaft, Gutschrift gewünscht.",
        "Qualitätsmangel an der letzten Charge.",
    ],
    InteractionKind.SERVICE_REQUEST: [
        "Rückfrage zur Bedienungsanleitung.",
        "Bitte um Kopie der Rechnung.",
        "Wartungstermin angefragt.",
    ],
    InteractionKind.FEEDBACK: [
        "Sehr zufrieden mit der Beratung.",
        "Lob für den schnellen Service.",
        "Anregung zur Verpackung.",
    ],
}


@dataclass
class CustomerPlan:
    """One customer of the demo book, before it is written."""

    customer: Customer
    behaviour: str
    contacts: list[Contact] = field(default_factory=list)
    transactions: list[Transaction] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)


def _money(value: float) -> Decimal:
    return Decimal(str(round(max(value, 1.0), 2)))


class DemoBookBuilder:
    def __init__(self, seed: int, as_of: dt.date, owners: dict[str, object]):
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.owners = owners
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.reference = 0

    def build(self, count: int) -> list[CustomerPlan]:
        behaviours = list(BEHAVIOURS)
        weights = list(BEHAVIOURS.values())
        plans = []
        for index in range(count):
            behaviour = self.rng.choices(behaviours, weights)[0]
            plans.append(self._customer(index, behaviour))
        return plans

    # --- customers and people ---------------------------------------------------------

    def _customer(self, index: int, behaviour: str) -> CustomerPlan:
        rng = self.rng
        is_company = rng.random() < 0.65
        if is_company:
            industry = rng.choice([i for i in Industry if i != Industry.PRIVATE])
            name = (
                f"{rng.choice(LAST_NAMES)} {rng.choice(INDUSTRY_WORDS[industry])} "
                f"{rng.choice(LEGAL_FORMS)}"
            )
        else:
            industry = Industry.PRIVATE
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        history_days = {
            "new": rng.randint(10, 110),
            "prospect": rng.randint(20, 200),
        }.get(behaviour, rng.randint(500, 2200))
        since = self.as_of - dt.timedelta(days=history_days)
        owner = self.owners[REP_USERNAMES[index % len(REP_USERNAMES)]]
        customer = Customer(
            number=f"K-{10001 + index}",
            name=name,
            kind=CustomerKind.COMPANY if is_company else CustomerKind.PERSON,
            industry=industry,
            owner=owner,
            customer_since=since,
            contact_opt_out=rng.random() < 0.03,
            notes=f"Standort {rng.choice(CITIES)}." if is_company else "",
        )
        plan = CustomerPlan(customer=customer, behaviour=behaviour)
        if is_company:
            for position in range(rng.randint(1, 3)):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                plan.contacts.append(
                    Contact(
                        customer=customer,
                        name=f"{first} {last}",
                        role=rng.choice(ROLES),
                        email=f"{first}.{last}@example.de".lower()
                        .replace("ä", "ae")
                        .replace("ö", "oe")
                        .replace("ü", "ue")
                        .replace("ß", "ss"),
                        phone=f"+49 {rng.randint(30, 991)} {rng.randint(100000, 9999999)}",
                        is_primary=position == 0,
                        contact_opt_out=rng.random() < 0.05,
                    )
                )
        if behaviour != "prospect":
            self._purchases(plan, since, is_company)
        self._interactions(plan, since)
        return plan

    # --- transactions -----------------------------------------------------------------

    def _purchase_days(self, behaviour: str, since: dt.date) -> list[dt.date]:
        """The purchase dates of one customer, by behaviour."""
        rng, as_of = self.rng, self.as_of
        interval = rng.choice([14, 30, 45, 60, 90, 120])
        days: list[dt.date] = []
        day = since + dt.timedelta(days=rng.randint(0, 20))
        end = as_of
        if behaviour == "lapsed":
            end = as_of - dt.timedelta(days=rng.randint(400, 800))
        while day <= end:
            days.append(day)
            age = (as_of - day).days
            step = interval
            if behaviour == "growing":
                step = interval * (0.5 if age < 365 else 1.4)
            elif behaviour == "declining":
                step = interval * (3.0 if age < 365 else 0.8)
            elif behaviour == "new":
                step = rng.randint(15, 40)
            day += dt.timedelta(days=max(3, round(rng.gauss(step, step * 0.25))))
        if behaviour == "declining" and days and (as_of - days[-1]).days < 120:
            # A declining customer has gone quiet lately.
            days = [d for d in days if (as_of - d).days > rng.randint(120, 300)] or days[:1]
        return days

    def _purchases(self, plan: CustomerPlan, since: dt.date, is_company: bool) -> None:
        rng, as_of = self.rng, self.as_of
        behaviour = plan.behaviour
        base = rng.lognormvariate(7.0, 0.7) if is_company else rng.lognormvariate(6.0, 0.5)
        for day in self._purchase_days(behaviour, since):
            age = (as_of - day).days
            amount = base * rng.uniform(0.7, 1.3)
            if behaviour == "growing" and age < 365:
                amount *= 1.6
            if behaviour == "declining" and age < 365:
                amount *= 0.6
            kind = (
                TransactionKind.INVOICE
                if is_company
                else rng.choice(
                    [TransactionKind.ORDER, TransactionKind.ORDER, TransactionKind.INVOICE]
                )
            )
            if is_company and rng.random() < 0.05:
                kind = TransactionKind.CONTRACT
                amount *= 6
            due_on = paid_on = None
            if kind in (TransactionKind.INVOICE, TransactionKind.CONTRACT):
                due_on = day + dt.timedelta(days=30 if is_company else 14)
                delay = rng.randint(-10, 3)
                if behaviour == "late_payer":
                    delay = rng.randint(10, 60)
                paid = due_on + dt.timedelta(days=delay)
                if paid <= as_of and not (behaviour == "late_payer" and age < 90):
                    paid_on = paid
            plan.transactions.append(self._transaction(plan, kind, day, amount, due_on, paid_on))
            return_rate = 0.2 if behaviour == "complaint_heavy" else 0.03
            if rng.random() < return_rate:
                returned_on = day + dt.timedelta(days=rng.randint(3, 25))
                if returned_on <= as_of:
                    plan.transactions.append(
                        self._transaction(
                            plan,
                            rng.choice([TransactionKind.RETURN, TransactionKind.CREDIT_NOTE]),
                            returned_on,
                            amount * rng.uniform(0.1, 0.6),
                        )
                    )

    def _transaction(self, plan, kind, day, amount, due_on=None, paid_on=None) -> Transaction:
        self.reference += 1
        return Transaction(
            customer=plan.customer,
            kind=kind,
            occurred_on=day,
            amount=_money(amount),
            currency="EUR",
            source="demo",
            external_ref=f"D{self.reference:08d}",
            due_on=due_on,
            paid_on=paid_on,
        )

    # --- touchpoints ------------------------------------------------------------------

    def _interactions(self, plan: CustomerPlan, since: dt.date) -> None:
        rng, as_of = self.rng, self.as_of
        behaviour = plan.behaviour
        span = max((as_of - since).days, 1)
        per_year = {"complaint_heavy": 10, "lapsed": 2, "prospect": 6, "new": 8}.get(behaviour, 5)
        count = max(1, round(span / 365 * per_year * rng.uniform(0.6, 1.4)))
        if plan.customer.contact_opt_out:
            count = min(count, 2)
        quiet_days = {"declining": 150, "lapsed": 400}.get(behaviour, 0)
        for _ in range(count):
            day = since + dt.timedelta(days=rng.randint(0, span))
            if (as_of - day).days < quiet_days:
                continue
            kind = InteractionKind.CONTACT
            roll = rng.random()
            if (behaviour == "complaint_heavy" and roll < 0.45) or roll < 0.06:
                kind = InteractionKind.COMPLAINT
            elif roll < 0.14:
                kind = InteractionKind.SERVICE_REQUEST
            elif roll < 0.2:
                kind = InteractionKind.FEEDBACK
            inbound = kind != InteractionKind.CONTACT or rng.random() < 0.3
            if kind == InteractionKind.COMPLAINT:
                rating = Rating.NEGATIVE
            elif kind == InteractionKind.FEEDBACK:
                rating = Rating.POSITIVE
            else:
                rating = rng.choices([Rating.POSITIVE, Rating.NEUTRAL, Rating.NEGATIVE], [3, 6, 1])[
                    0
                ]
            satisfaction = None
            if rng.random() < 0.4:
                satisfaction = {Rating.POSITIVE: 5, Rating.NEUTRAL: 4, Rating.NEGATIVE: 2}[rating]
                satisfaction = max(1, min(5, satisfaction + rng.choice([-1, 0, 0, 1])))
            occurred_at = dt.datetime.combine(
                day, dt.time(rng.randint(8, 17), rng.choice([0, 15, 30, 45])), tzinfo=self.tz
            )
            plan.interactions.append(
                Interaction(
                    customer=plan.customer,
                    contact=rng.choice(plan.contacts)
                    if plan.contacts and rng.random() < 0.7
                    else None,
                    user=plan.customer.owner,
                    channel=rng.choices(
                        [
                            Channel.PHONE,
                            Channel.EMAIL,
                            Channel.VISIT,
                            Channel.LETTER,
                            Channel.EVENT,
                            Channel.CHAT,
                        ],
                        [40, 30, 15, 5, 5, 5],
                    )[0],
                    direction=Direction.INBOUND if inbound else Direction.OUTBOUND,
                    kind=kind,
                    occurred_at=occurred_at,
                    rating=rating,
                    satisfaction=satisfaction,
                    summary=rng.choice(CALL_SUMMARIES[kind]),
                )
            )


def ensure_demo_users() -> dict[str, object]:
    """The demo users with their roles and the documented demo password."""
    User = get_user_model()
    users = {}
    for demo in DEMO_USERS:
        user, _created = User.objects.get_or_create(username=demo.username)
        user.first_name, user.last_name = demo.first_name, demo.last_name
        user.email = f"{demo.username}@cockpit.example"
        user.is_staff = demo.role == Role.ADMIN
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get_or_create(name=demo.role)[0]])
        users[demo.username] = user
    from cockpit.models import UserProfile

    for demo in DEMO_USERS:
        UserProfile.objects.update_or_create(
            user=users[demo.username],
            defaults={
                "language": "de" if demo.username in GERMAN_READERS else "en",
                "alert_mail": "daily" if demo.role == Role.MANAGER else "immediate",
                "manager": users["manager"] if demo.role == Role.SALES_REP else None,
            },
        )
    return users


def compute_demo_kpis(as_of: dt.date, months_of_history: int = 12) -> None:
    """KPIs as of the end of each past month (for the monthly snapshots), then as of today."""
    from customers.kpis import runs

    month_end = as_of.replace(day=1) - dt.timedelta(days=1)
    ends = []
    for _ in range(months_of_history):
        ends.append(month_end)
        month_end = month_end.replace(day=1) - dt.timedelta(days=1)
    for day in [*reversed(ends), as_of]:
        runs.recompute_all(day)


@transaction.atomic
def seed_demo_book(*, customers: int, seed: int, as_of: dt.date, reset: bool = False) -> dict:
    """Write the demo book; with ``reset`` the previous customers go first."""
    if reset:
        Customer.objects.all().delete()
    owners = ensure_demo_users()
    plans = DemoBookBuilder(seed, as_of, owners).build(customers)
    Customer.objects.bulk_create([p.customer for p in plans], batch_size=1000)
    # bulk_create on SQLite and PostgreSQL sets primary keys, so children can point at them.
    for model, attribute in (
        (Contact, "contacts"),
        (Transaction, "transactions"),
        (Interaction, "interactions"),
    ):
        rows = [row for p in plans for row in getattr(p, attribute)]
        for row in rows:
            row.customer_id = row.customer.pk
            if isinstance(row, Interaction) and row.contact is not None:
                row.contact_id = row.contact.pk
        model.objects.bulk_create(rows, batch_size=2000)
    return {
        "customers": len(plans),
        "contacts": sum(len(p.contacts) for p in plans),
        "transactions": sum(len(p.transactions) for p in plans),
        "interactions": sum(len(p.interactions) for p in plans),
    }
