"""What the tests that need no corpus read: python_doc_fixtures writes a small model of random weights
(model.sieve) and simulated records (test.jsonl) into a folder."""
import os
import subprocess

import pytest

FIXTURES = os.environ.get("SIEVE_DOC_FIXTURES", "")


@pytest.fixture(scope="session")
def fixture_folder(tmp_path_factory):
    if not os.path.exists(FIXTURES):
        pytest.skip(f"python_doc_fixtures is not built ({FIXTURES!r})")
    where = tmp_path_factory.mktemp("fixtures")
    subprocess.run([FIXTURES, str(where)], check=True)
    return where
