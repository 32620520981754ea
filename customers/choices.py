from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerKind(models.TextChoices):
    COMPANY = "company", _("Company")
    PERSON = "person", _("Person")


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")
    WHOLESALE = "wholesale", _("Wholesale")
    RETAIL = "retail", _("Retail")
    INSURANCE = "insurance", _("Insurance")
    BANKING = "banking", _("Banking")
    HEALTHCARE = "healthcare", _("Healthcare")
    IT_SERVICES = "it_services", _("IT services")
    CONSTRUCTION = "construction", _("Construction")
    LOGISTICS = "logistics", _("Logistics")
    HOSPITALITY = "hospitality", _("Hospitality")
    PRIVATE = "private", _("Private customer")


class Channel(models.TextChoices):
    VISIT = "visit", _("Visit")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    CHAT = "chat", _("Chat")
    SOCIAL = "social", _("Social media")
    EVENT = "event", _("Event")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class InteractionKind(models.TextChoices):
    CONTACT = "contact", _("Contact")
    COMPLAINT = "complaint", _("Complaint")
    SERVICE_REQUEST = "service_request", _("Service request")
    FEEDBACK = "feedback", _("Feedback")


class Rating(models.TextChoices):
    """How a contact felt: "gold" contacts fill the relationship account, "dark" drain it."""

    POSITIVE = "positive", _("Positive (gold)")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative (dark)")


class TransactionKind(models.TextChoices):
    ORDER = "order", _("Order")
    INVOICE = "invoice", _("Invoice")
    CONTRACT = "contract", _("Contract")
    RETURN = "return", _("Return")
    CREDIT_NOTE = "credit_note", _("Credit note")


# Purchases bill the customer; returns and credit notes reduce net revenue.
PURCHASE_KINDS = (TransactionKind.ORDER, TransactionKind.INVOICE, TransactionKind.CONTRACT)
REDUCTION_KINDS = (TransactionKind.RETURN, TransactionKind.CREDIT_NOTE)


class ValueClass(models.TextChoices):
    """ABC by cumulative share of 12-month revenue. Colour sits beside the label."""

    A = "A", _("A")
    B = "B", _("B")
    C = "C", _("C")


VALUE_CLASS_COLOURS = {ValueClass.A: "class-a", ValueClass.B: "class-b", ValueClass.C: "class-c"}


class LifecyclePhase(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    NEW = "new", _("New")
    GROWING = "growing", _("Growing")
    LOYAL = "loyal", _("Loyal")
    AT_RISK = "at_risk", _("At risk")
    LAPSED = "lapsed", _("Lapsed")
    TERMINATED = "terminated", _("Terminated")
