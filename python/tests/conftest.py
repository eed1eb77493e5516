"""What the tests that need no corpus read: python_doc_fixtures writes a small model of random weights
(model.sieve) and simulated records (test.jsonl) into a folder."""
import os
import subprocess
import threading
import time

import pytest

FIXTURES = os.environ.get("SIEVE_DOC_FIXTURES", "")


@pytest.fixture(scope="session")
def fixture_folder(tmp_path_factory):
    if not os.path.exists(FIXTURES):
        pytest.skip(f"python_doc_fixtures is not built ({FIXTURES!r})")
    where = tmp_path_factory.mktemp("fixtures")
    subprocess.run([FIXTURES, str(where)], check=True)
    return where


def run_beside_python(call):
    """Runs call() on another thread while this one counts its own steps: the call's seconds, and how many
    of this thread's steps fell well inside it. Holding the GIL, a C++ call would let this thread run no
    Python at all until it returned."""
    times = {}

    def work():
        times["start"] = time.perf_counter()
        call()
        times["end"] = time.perf_counter()

    worker = threading.Thread(target=work)
    stamps = []
    worker.start()
    while worker.is_alive():
        stamps.append(time.perf_counter())
    worker.join()
    inside = [t for t in stamps if times["start"] + 0.01 < t < times["end"] - 0.01]
    return times["end"] - times["start"], len(inside)


@pytest.fixture
def python_runs_during():
    """run_beside_python, for the tests that check a call releases the GIL."""
    return run_beside_python
