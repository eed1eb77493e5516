"""Scoring an archive of posts on a Dask cluster: one task per file, one model load per worker process, each
input's scores written next to it as the JSON lines `sieve score` writes, atomically.

    from distributed import Client
    import sieve_dask

    client = Client("scheduler:8786")
    for s in sieve_dask.score_files(client, "model.sieve", "archive/"):
        print(s["path"], s["posts"], s["rejected"], s["output"])

A task is `sieve.Model.score_file`: the file is read, scored and written in C++ with the GIL released, by the
code `sieve score` runs, so the output is the same, byte for byte. Files are read with `sieve score`'s
default settings: JSONL, CSV or TSV by extension, optionally .gz or .zst; the columns id, text and lang. A
bad row (broken JSON, no text, invalid UTF-8, a post over 100,000 bytes) is counted, named with its
file:line and reason in the summary, and skipped. A file is one task: split a very large file first (or
score it with `sieve score --shard i/n`, docs/scoring.md).
"""
import glob
import os
import uuid

import sieve

__all__ = ["score_files", "score_file", "expand_inputs", "output_path"]

# The names `sieve score` reads by default (the readers decide the format from them), under .gz or .zst.
READABLE = (".jsonl", ".json", ".ndjson", ".csv", ".tsv")

# The models loaded in this process (a Dask worker), by path: one load per worker, not per task.
_models = {}


def _model(path):
    if path not in _models:
        _models[path] = sieve.Model(path)
    return _models[path]


def _readable(path):
    name = path[:-3] if path.endswith(".gz") else path[:-4] if path.endswith(".zst") else path
    return name.endswith(READABLE)


def output_path(path, out_dir=None):
    """Where the scores of an input go: <input>.scores.jsonl beside it, or in out_dir."""
    name = os.path.basename(path) + ".scores.jsonl"
    return os.path.join(out_dir, name) if out_dir else os.path.join(os.path.dirname(path), name)


def score_file(model_path, path, output, threads=1):
    """One task: the posts of path scored into output by this process's copy of the model. Returns the
    summary {path, output, rows, posts, rejected, problems}."""
    return _model(model_path).score_file(path, output, threads=threads)


def expand_inputs(inputs):
    """Files to score from a folder (its JSONL, CSV and TSV files, plain or compressed), a glob pattern, a
    file, or a list of those; scores already written (*.scores.jsonl) are left out."""
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    files = []
    for given in map(os.fspath, inputs):
        if os.path.isdir(given):
            found = sorted(os.path.join(given, n) for n in os.listdir(given))
        elif os.path.exists(given):
            found = [given]
        else:
            found = sorted(glob.glob(given))
            if not found:
                raise FileNotFoundError(f"{given}: no such file, folder or matching files")
        for path in found:
            if os.path.isdir(path) or ".scores.jsonl" in os.path.basename(path):
                continue
            if not _readable(path):
                if path == given:  # named explicitly: say why it is not scored
                    raise ValueError(f"{path}: not a JSONL, CSV or TSV file (optionally .gz or .zst)")
                continue
            files.append(path)
    return files


def score_files(client, model_path, inputs, out_dir=None, threads_per_task=1):
    """Scores every input on the cluster of client, one task per file, writing <input>.scores.jsonl beside
    each input (or in out_dir). Returns one summary per input, in order: {path, output, rows, posts,
    rejected, problems} (problems: the first bad rows, as "<file>:<line>: <reason>"). Paths must be
    readable by the workers, and outputs writable."""
    model_path = os.path.abspath(model_path)
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
    futures = []
    for path in expand_inputs(inputs):
        # A key of its own on every call: a file scored again is read again, never taken from the result
        # of an earlier call that the scheduler still holds.
        key = f"sieve-score-{os.path.basename(path)}-{uuid.uuid4().hex}"
        futures.append(client.submit(score_file, model_path, os.path.abspath(path),
                                     os.path.abspath(output_path(path, out_dir)), threads_per_task, key=key))
    return client.gather(futures)
