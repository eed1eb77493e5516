"""The examples of docs/python.md, run as written: each ```python block in order, in one namespace, in a
folder holding what they read (conftest.py: model.sieve, a small model of random weights, and test.jsonl,
simulated records in the records' own format). A block that imports pandas is skipped, with a message,
when pandas is not installed."""
import os
import re

import pytest

DOC = os.environ.get("SIEVE_DOC", os.path.join(os.path.dirname(__file__), "..", "..", "docs", "python.md"))


def python_blocks(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return re.findall(r"^```python\n(.*?)^```$", text, flags=re.S | re.M)


BLOCKS = python_blocks(DOC)


def needs_pandas(block):
    return re.search(r"^\s*import pandas", block, flags=re.M) is not None


def has_pandas():
    try:
        import pandas  # noqa: F401
    except ImportError:
        return False
    return True


def test_the_doc_has_examples():
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("index", range(len(BLOCKS)), ids=lambda i: f"block{i}")
def test_example_runs_as_written(index, fixture_folder, monkeypatch):
    """Block `index` after every block before it (those that need pandas only when it is installed)."""
    if needs_pandas(BLOCKS[index]) and not has_pandas():
        pytest.skip("pandas is not installed: the example that uses it cannot run")
    monkeypatch.chdir(fixture_folder)
    namespace = {"__name__": "__doc__"}
    for i in range(index + 1):
        if i < index and needs_pandas(BLOCKS[i]) and not has_pandas():
            continue
        exec(compile(BLOCKS[i], f"{DOC}: python block {i}", "exec"), namespace)
