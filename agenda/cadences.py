"""The contact cadences as the KPI engine reads them (settings.KPI_CONTACT_CADENCES)."""

from customers.kpis.cadence import CadenceTerm


def cadence_terms() -> list[CadenceTerm]:
    from agenda.models import ContactCadence

    return [
        CadenceTerm(
            interval_days=cadence.interval_days,
            in_person=cadence.in_person,
            value_class=cadence.value_class,
            segment_id=cadence.segment_id,
            industry=cadence.industry,
        )
        for cadence in ContactCadence.objects.filter(active=True)
    ]
