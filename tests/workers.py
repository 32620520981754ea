"""Real Celery worker processes on the test database, for tests marked real_worker."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def _test_database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def running_workers(
    count: int, own_chunk_queues: bool = False, pool: str = "solo"
) -> Iterator[list[subprocess.Popen] | None]:
    """``count`` real worker processes sharing one queue, when a broker is configured.
    With ``own_chunk_queues`` each worker also listens to a queue of its own and full
    runs send their chunks round-robin to those (KPI_CHUNK_QUEUES), as workers on
    several hosts would be set up.

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
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    names = [f"{queue}-{n}@{os.uname().nodename}" for n in range(count)]
    chunk_queues = [f"{queue}-chunks-{n}" for n in range(count)] if own_chunk_queues else []
    if chunk_queues:
        env["KPI_CHUNK_QUEUES"] = ",".join(chunk_queues)
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.worker_app",
                "worker",
                f"--pool={pool}",
                *(["--concurrency=1"] if pool == "prefork" else []),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                ",".join([queue, *chunk_queues[n : n + 1]]),
                "--loglevel=WARNING",
                "--hostname",
                name,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n, name in enumerate(names)
    ]
    app.conf.task_always_eager = False
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        deadline = time.monotonic() + 60
        while len(app.control.ping(destination=names, timeout=1)) < count:
            if any(w.poll() is not None for w in workers) or time.monotonic() > deadline:
                output = "".join(w.stdout.read() for w in workers if w.poll() is not None)
                pytest.fail(f"the Celery workers did not start:\n{output}")
        yield workers
    finally:
        app.conf.task_default_queue = previous_queue
        app.conf.task_always_eager = True
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
