"""The Celery app as the suite's real worker loads it: the product's tasks plus a probe."""

from cockpit.celery import app

__all__ = ["app", "customer_numbers"]


@app.task(name="tests.customer_numbers")
def customer_numbers() -> list[str]:
    from customers.models import Customer

    return list(Customer.objects.order_by("number").values_list("number", flat=True))
