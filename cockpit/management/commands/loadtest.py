"""Load test: a realistic mix of users against a real server, measured with locust.

Loads (or reuses) a synthetic book on its own PostgreSQL database, starts gunicorn on
127.0.0.1 (and a Celery worker when a broker is configured), runs locust headless for a
bounded time and number of requests, and prints requests per second, p50/p95/p99 and
errors per request type and overall. Everything it started is stopped at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1/cockpit_load \\
        python manage.py loadtest --customers 100000 --users 30 --seconds 60
"""

import csv
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from rest_framework.authtoken.models import Token

from cockpit.management.commands.bench_pages import REPS, bench_user
from cockpit.management.commands.bench_pages import Command as PageBench
from cockpit.outage import database_refusing_connections
from cockpit.roles import Role
from customers.benchdata import PREFIX
from customers.models import Customer

ROOT = Path(__file__).resolve().parents[3]
LOCUSTFILE = ROOT / "cockpit" / "loadtest" / "locustfile.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CommandError(f"the server stopped:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise CommandError(f"the server did not come up at {url}")


class Command(BaseCommand):
    help = "Run the load test (gunicorn + PostgreSQL + locust) and print its figures."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=100_000)
        parser.add_argument("--users", type=int, default=30)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--max-requests", type=int, default=20_000)
        parser.add_argument("--server-workers", type=int, default=4)
        parser.add_argument(
            "--database-outage",
            type=int,
            default=0,
            metavar="SECONDS",
            help="A third into the run, refuse and cut every database connection for this "
            "long (as a PostgreSQL restart would): requests must fail cleanly (503) and "
            "recover by themselves.",
        )

    def handle(self, *args, customers, users, seconds, max_requests, server_workers,
               database_outage, **options):  # fmt: skip
        if connection.vendor != "postgresql":
            raise CommandError("The load test runs on PostgreSQL (set DATABASE_URL).")
        if Customer.objects.exclude(number__startswith=PREFIX).exists():
            raise CommandError("This database holds real customers: use a load-test database.")
        write = self.stdout.write
        if Customer.objects.count() != customers:
            started = time.perf_counter()
            PageBench(stdout=self.stdout).load(customers)
            write(f"loaded {customers} customers in {time.perf_counter() - started:.1f} s")
        sessions = [
            f"{username}={self.session_of(bench_user(username, role))}"
            for username, role in [("bench-manager", Role.MANAGER)]
            + [(f"bench-rep-{n}", Role.SALES_REP) for n in range(1, REPS + 1)]
        ]
        integration = bench_user("bench-integration", Role.MANAGER)
        token, _created = Token.objects.get_or_create(user=integration)
        self.outage = database_outage
        self.run_load(",".join(sessions), token.key, users, seconds, max_requests, server_workers)

    @staticmethod
    def session_of(user) -> str:
        """A logged-in session, as the login page would have made it."""
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    def server_env(self) -> dict[str, str]:
        return os.environ | {
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DB_CONN_MAX_AGE": "60",
            "LOGIN_FAILURE_LIMIT": "1000",
        }

    def run_load(self, sessions, token, users, seconds, max_requests, server_workers) -> None:
        write = self.stdout.write
        port = free_port()
        env = self.server_env()
        started: list[subprocess.Popen] = []
        # The server logs to a file: a pipe nobody reads fills up and blocks its workers.
        server_log = Path(tempfile.gettempdir()) / f"cockpit-loadtest-{port}.log"
        try:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "cockpit.wsgi:application",
                 "--bind", f"127.0.0.1:{port}", "--workers", str(server_workers),
                 "--threads", "2", "--log-level", "warning"],
                cwd=ROOT, env=env, stdout=server_log.open("w"), stderr=subprocess.STDOUT,
            )  # fmt: skip
            started.append(server)
            if not settings.CELERY_TASK_ALWAYS_EAGER:
                started.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "celery",
                            "-A",
                            "cockpit",
                            "worker",
                            "--pool=solo",
                            "--loglevel=WARNING",
                        ],
                        cwd=ROOT,
                        env=env,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
            host = f"http://127.0.0.1:{port}"
            wait_until_up(f"{host}/login/", server, server_log)
            write(
                f"server: gunicorn, {server_workers} workers x 2 threads, PostgreSQL; "
                f"Celery: {'eager' if settings.CELERY_TASK_ALWAYS_EAGER else 'a worker'}; "
                f"{users} users for {seconds} s, at most {max_requests} requests"
            )
            if self.outage:
                threading.Timer(seconds / 3, self.database_outage, [self.outage]).start()
            with tempfile.TemporaryDirectory() as folder:
                prefix = Path(folder) / "load"
                locust = subprocess.run(
                    [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
                     "--host", host, "-u", str(users), "-r", str(max(users // 5, 1)),
                     "-t", f"{seconds}s", "--stop-timeout", "5", "--only-summary",
                     "--csv", str(prefix), "--loglevel", "WARNING"],
                    cwd=ROOT, capture_output=True, text=True, timeout=seconds + 120,
                    env=os.environ | {
                        "LOAD_SESSIONS": sessions, "LOAD_API_TOKEN": token,
                        "LOAD_REPS": str(REPS), "LOAD_MAX_REQUESTS": str(max_requests),
                    },
                )  # fmt: skip
                stats_file = Path(f"{prefix}_stats.csv")
                if not stats_file.exists():
                    raise CommandError(f"locust gave no figures:\n{locust.stdout}{locust.stderr}")
                self.report(stats_file, Path(f"{prefix}_failures.csv"))
                if locust.returncode not in (0, 1):  # 1: some requests failed
                    write(f"locust ended with {locust.returncode}:\n{locust.stderr[-2000:]}")
        finally:
            for process in started:
                process.terminate()
            for process in started:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()

    def database_outage(self, seconds: int) -> None:
        with database_refusing_connections(connection.settings_dict):
            self.stdout.write(f"database outage: connections refused and cut for {seconds} s")
            time.sleep(seconds)
        self.stdout.write("database back")

    def report(self, stats_file: Path, failures_file: Path) -> None:
        write = self.stdout.write
        with stats_file.open() as handle:
            rows = list(csv.DictReader(handle))
        write(f"{'request':<34} {'count':>7} {'errors':>6} {'rps':>6} "
              f"{'p50':>6} {'p95':>6} {'p99':>6}  (ms)")  # fmt: skip
        for row in rows:
            name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
            write(
                f"{name[:34]:<34} {row['Request Count']:>7} {row['Failure Count']:>6} "
                f"{float(row['Requests/s']):>6.1f} {row['50%']:>6} {row['95%']:>6} "
                f"{row['99%']:>6}"
            )
        by_status: dict[str, int] = {}
        if failures_file.exists():
            with failures_file.open() as handle:
                for failure in csv.DictReader(handle):
                    write(
                        f"  failed {failure['Occurrences']}x: {failure['Method']} "
                        f"{failure['Name']}: {failure['Error'][:200]}"
                    )
                    status = (
                        failure["Error"].split("'")[1].split()[0]
                        if "'" in failure["Error"]
                        else "other"
                    )
                    by_status[status] = by_status.get(status, 0) + int(failure["Occurrences"])
        if by_status:
            write("failures by status: " + ", ".join(f"{k} x{v}" for k, v in by_status.items()))
        total = next(row for row in rows if row["Name"] == "Aggregated")
        errors = int(total["Failure Count"])
        p95 = float(total["95%"])
        write(
            f"overall: {float(total['Requests/s']):.1f} requests/s, p95 {p95:.0f} ms, "
            f"{errors} errors; target (no error, p95 < 300 ms): "
            f"{'met' if errors == 0 and p95 < 300 else 'MISSED'}"
        )
