from customers.models.customers import Contact, Customer
from customers.models.history import Interaction, Transaction
from customers.models.imports import ImportJob
from customers.models.kpis import CustomerKPI, CustomerKPISnapshot, KPIRun, RFMSegment

__all__ = [
    "Contact",
    "Customer",
    "CustomerKPI",
    "CustomerKPISnapshot",
    "ImportJob",
    "Interaction",
    "KPIRun",
    "RFMSegment",
    "Transaction",
]
