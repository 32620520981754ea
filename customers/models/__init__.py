from customers.models.customers import Contact, Customer
from customers.models.history import Interaction, Transaction
from customers.models.imports import ImportJob
from customers.models.kpis import (
    CustomerKPI,
    CustomerKPISnapshot,
    KPIBacklogEntry,
    KPIRun,
    RFMSegment,
)
from customers.models.predictive import CustomerPrediction, PredictiveModel
from customers.models.privacy import DataRightsRequest

__all__ = [
    "Contact",
    "Customer",
    "CustomerKPI",
    "CustomerKPISnapshot",
    "CustomerPrediction",
    "DataRightsRequest",
    "ImportJob",
    "Interaction",
    "KPIBacklogEntry",
    "KPIRun",
    "PredictiveModel",
    "RFMSegment",
    "Transaction",
]
