import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _test_database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker(transactional_db, eager_celery):
    """A real Celery worker process on the test database when a broker is configured.

    On the embedded default (no broker) tasks run eagerly and this yields None.
    """
    if settings.CELERY_TASK_ALWAYS_EAGER:
        yield None
        return
    if connection.vendor != "postgresql":
        pytest.skip("a real worker needs a database it can share: set DATABASE_URL to PostgreSQL")
    from tests.worker_app import app

    queue = f"cockpit-test-{os.getpid()}"
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "SECRET_KEY": "test-worker-secret",
        "DJANGO_SETTINGS_MODULE": "cockpit.settings",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.worker_app",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
            "--loglevel=WARNING",
            "--hostname",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    app.conf.task_always_eager = False
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1):
            if worker.poll() is not None or time.monotonic() > deadline:
                output = worker.stdout.read() if worker.poll() is not None else ""
                pytest.fail(f"the Celery worker did not start:\n{output}")
        yield worker
    finally:
        app.conf.task_default_queue = previous_queue
        worker.terminate()
        worker.wait(timeout=30)
