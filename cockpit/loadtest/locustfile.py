"""The load test's mix (run by `python manage.py loadtest`, which starts the server).

Reps open their list, records and day and log contacts; managers open the cockpit and
lists; an integration posts batches of transactions to the API. Users and the request
budget come from the environment the command sets.
"""

import itertools
import os
import random
import re

from locust import HttpUser, between, events, task

# username=session key, comma-separated: the command logs every simulated user in
# beforehand, so the measured mix is the work of the day, not password hashing.
SESSIONS = dict(pair.split("=") for pair in os.environ["LOAD_SESSIONS"].split(","))
REPS = int(os.environ.get("LOAD_REPS", "40"))
TOKEN = os.environ["LOAD_API_TOKEN"]
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "0"))
rep_numbers = itertools.cycle(range(1, REPS + 1))
batch_numbers = itertools.count(1)
sent = itertools.count(1)


the_environment = []


@events.init.add_listener
def remember_the_environment(environment, **kwargs):
    the_environment.append(environment)


@events.request.add_listener
def stop_at_the_request_budget(**kwargs):
    if MAX_REQUESTS and next(sent) == MAX_REQUESTS and the_environment[0].runner:
        the_environment[0].runner.quit()


class LoggedIn(HttpUser):
    abstract = True
    username = ""

    def on_start(self):
        self.client.cookies.set("sessionid", SESSIONS[self.username])
        self.client.get("/customers/", name="customer list, first")
        self.csrf = self.client.cookies.get("csrftoken", "")


class Rep(LoggedIn):
    weight = 6
    wait_time = between(0.5, 2)

    def on_start(self):
        self.username = f"bench-rep-{next(rep_numbers)}"
        super().on_start()
        page = self.client.get("/customers/?sort=-alert", name="customer list, rep").text
        self.numbers = re.findall(r'href="/customers/(BENCH-\d+)/"', page) or ["BENCH-1"]

    @task(4)
    def open_a_record(self):
        self.client.get(f"/customers/{random.choice(self.numbers)}/", name="customer record")

    @task(2)
    def open_the_list(self):
        self.client.get("/customers/?alert=red&sort=-alert", name="customer list, rep")

    @task(1)
    def open_my_day(self):
        self.client.get("/agenda/", name="my day")

    @task(2)
    def log_a_contact(self):
        number = random.choice(self.numbers)
        self.client.post(
            f"/customers/{number}/interactions/new/",
            {
                "channel": "phone", "direction": "outbound", "kind": "contact",
                "rating": "positive", "summary": "Load test call",
                "occurred_at": "2026-06-30 10:00", "csrfmiddlewaretoken": self.csrf,
            },
            headers={"Referer": f"{self.host}/customers/{number}/"},
            name="log a contact",
        )  # fmt: skip


class Manager(LoggedIn):
    weight = 2
    wait_time = between(1, 3)
    username = "bench-manager"

    @task(3)
    def open_the_cockpit(self):
        self.client.get("/cockpit/", name="cockpit, manager")

    @task(1)
    def filter_the_cockpit(self):
        self.client.get("/cockpit/?value_class=A&industry=retail", name="cockpit, manager")

    @task(2)
    def open_a_list(self):
        self.client.get("/customers/?value_class=A&sort=-alert", name="customer list, manager")


class Integration(HttpUser):
    weight = 1
    wait_time = between(2, 5)

    @task
    def post_a_batch(self):
        batch = next(batch_numbers)
        items = [
            {
                "customer": f"BENCH-{random.randint(1, 1000)}", "kind": "invoice",
                "occurred_on": "2026-06-30", "amount": "120.00", "currency": "EUR",
                "source": "load", "external_ref": f"L-{os.getpid()}-{batch}-{n}",
            }
            for n in range(100)
        ]  # fmt: skip
        self.client.post(
            "/api/v1/transactions/batch/",
            json=items,
            headers={"Authorization": f"Token {TOKEN}"},
            name="API batch of 100 transactions",
        )
