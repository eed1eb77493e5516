"""sieve_dask on a local cluster of two worker processes: the scores it writes beside each input equal those
`sieve score` writes for the same file, whatever the format, and bad rows are counted as the command counts
them. Uses the small model of random weights (conftest.py); skips without dask and distributed."""
import csv
import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

pytest.importorskip("dask", reason="dask is not installed (Debian: python3-dask)")
distributed = pytest.importorskip("distributed",
                                  reason="distributed is not installed (Debian: python3-distributed)")

# sieve_dask.py sits beside the module's sources; the worker processes find it through PYTHONPATH.
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (HERE, os.environ.get("PYTHONPATH")) if p)

import sieve_dask  # noqa: E402

SIEVE = os.environ.get("SIEVE_BINARY", "sieve")
# Debian's distributed 2022.12 with its tornado: a warning of theirs, not of this code.
pytestmark = pytest.mark.filterwarnings("ignore:make_current is deprecated:DeprecationWarning")
BROKEN = '{"id": "broken", "text": "a line cut short\n'


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) \
            as cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def model_path(fixture_folder):
    return os.path.join(fixture_folder, "model.sieve")


@pytest.fixture(scope="module")
def rows(fixture_folder):
    with open(os.path.join(fixture_folder, "test.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def jsonl(rows):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def table(rows, delimiter):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["id", "text", "lang"])
    for r in rows:
        writer.writerow([r["id"], r["text"], r.get("lang", "")])
    return out.getvalue()


@pytest.fixture(scope="module")
def archive(tmp_path_factory, rows):
    """A folder of JSONL (plain, with a broken line, a row without text and rows without id or lang; .gz;
    .zst when the zstd command exists), CSV (quoted commas and newlines) and TSV files; and the bad rows of
    each."""
    where = tmp_path_factory.mktemp("archive")
    plain = [dict(r) for r in rows[:40]]
    del plain[3]["id"], plain[5]["lang"]
    lines = jsonl(plain[:10]) + BROKEN + "\n" + jsonl([{"id": "no-text", "lang": "en"}]) + jsonl(plain[10:])
    (where / "plain.jsonl").write_text(lines, encoding="utf-8")
    with gzip.open(where / "packed.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write(jsonl(rows[40:100]))
    quoted = [dict(r) for r in rows[100:150]]
    quoted[0]["text"] = 'a post, with "quotes"\nand a second line'
    (where / "table.csv").write_text(table(quoted, ","), encoding="utf-8")
    (where / "table.tsv").write_text(table(rows[150:200], "\t"), encoding="utf-8")
    bad = {"plain.jsonl": 2, "packed.jsonl.gz": 0, "table.csv": 0, "table.tsv": 0}
    if shutil.which("zstd"):
        (where / "packed2.jsonl").write_text(jsonl(rows[200:260]), encoding="utf-8")
        subprocess.run(["zstd", "-q", "--rm", str(where / "packed2.jsonl")], check=True)
        bad["packed2.jsonl.zst"] = 0
    return where, bad


def sieve_score(model_path, path, tmp_path):
    """The records `sieve score` writes for a file, and the rows it rejected."""
    out = tmp_path / (os.path.basename(path) + ".cli.jsonl")
    done = subprocess.run([SIEVE, "score", model_path, path, "-o", str(out), "--threads", "1"],
                          stderr=subprocess.PIPE, text=True)
    assert done.returncode in (0, 2), done.stderr
    rejected = re.search(r"(\d+) of \d+ rows rejected", done.stderr)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return records, int(rejected.group(1)) if rejected else 0


def values(record):
    """Every score of a record, by name (head, or head:label for a multi-class head), and its ood."""
    out = {}
    for head, value in record["scores"].items():
        if isinstance(value, dict):
            out.update({f"{head}:{label}": p for label, p in value.items()})
        else:
            out[head] = value
    if "ood" in record:
        out["ood"] = record["ood"]
    return out


def assert_same_records(ours, theirs):
    assert [r["id"] for r in ours] == [r["id"] for r in theirs]
    assert [r["lang"] for r in ours] == [r["lang"] for r in theirs]
    assert [list(r) for r in ours] == [list(r) for r in theirs]  # the same keys, in the same order
    for a, b in zip(ours, theirs):
        va, vb = values(a), values(b)
        assert va.keys() == vb.keys()
        assert max(abs(va[k] - vb[k]) for k in va) <= 1e-6, (a, b)
        assert a["decisions"] == b["decisions"]


def read_records(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_every_file_scores_as_sieve_score_scores_it(client, model_path, archive, tmp_path):
    where, bad = archive
    summaries = sieve_dask.score_files(client, model_path, str(where))
    assert sorted(os.path.basename(s["path"]) for s in summaries) == sorted(bad)
    for s in summaries:
        name = os.path.basename(s["path"])
        assert s["output"] == s["path"] + ".scores.jsonl"
        assert not os.path.exists(s["output"] + ".partial")
        theirs, rejected = sieve_score(model_path, s["path"], tmp_path)
        ours = read_records(s["output"])
        cli_output = tmp_path / (name + ".cli.jsonl")
        assert open(s["output"], "rb").read() == cli_output.read_bytes(), name  # the same code wrote both
        assert s["rejected"] == rejected == bad[name], name
        assert s["posts"] == len(ours) == len(theirs), name
        assert_same_records(ours, theirs)


def test_bad_rows_are_counted_and_named_with_file_and_line(client, model_path, archive):
    where, _ = archive
    path = str(where / "plain.jsonl")
    [summary] = sieve_dask.score_files(client, model_path, [path])
    assert summary["rejected"] == 2
    assert summary["problems"][0].startswith(f"{path}:11: malformed JSON")
    assert summary["problems"][1] == f"{path}:13: missing text ('text')"


def test_each_worker_loads_the_model_once(client, model_path, archive):
    where, _ = archive
    client.run(sieve_dask._models.clear)
    sieve_dask.score_files(client, model_path, str(where))
    sieve_dask.score_files(client, model_path, str(where))
    loaded = client.run(lambda: list(sieve_dask._models))
    assert all(paths in ([], [os.path.abspath(model_path)]) for paths in loaded.values())


def test_an_input_that_does_not_exist_or_cannot_be_read_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="^nowhere/\\*.jsonl: no such file, folder or matching files$"):
        sieve_dask.expand_inputs("nowhere/*.jsonl")
    notes = tmp_path / "notes.txt"
    notes.write_text("a note\n", encoding="utf-8")
    with pytest.raises(ValueError, match="notes.txt: not a JSONL, CSV or TSV file"):
        sieve_dask.expand_inputs(str(notes))
    assert sieve_dask.expand_inputs(str(tmp_path)) == []  # in a folder, files of other kinds are left out
