import pytest
from django.conf import settings

from tests.factories import CustomerFactory


@pytest.mark.real_worker
def test_a_task_runs_on_the_worker_and_sees_the_same_database(celery_worker):
    from tests.worker_app import customer_numbers

    CustomerFactory(number="W-2")
    CustomerFactory(number="W-1")
    result = customer_numbers.delay()
    assert result.get(timeout=60) == ["W-1", "W-2"]
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        assert celery_worker.poll() is None  # served by the separate worker process
