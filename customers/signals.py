from django.dispatch import Signal

# Sent when a KPI recompute has written its rows. Receivers get ``as_of`` (date),
# ``customer_ids`` (list of ids, or None for a full run) and ``run`` (KPIRun).
# The alerts app subscribes; the engine knows nothing of it.
kpis_recomputed = Signal()
