"""Scoring an archive of posts on a Dask cluster: one task per file (or per byte range of a large plain JSONL
file), one model load per worker process, each input's scores written next to it as the JSON lines `sieve
score` writes, atomically.

    from distributed import Client
    import sieve_dask

    client = Client("scheduler:8786")
    for s in sieve_dask.score_files(client, "model.sieve", "archive/"):
        print(s["path"], s["posts"], s["rejected"], s["output"])

Files are read as `sieve score` reads them with its default settings: JSONL, CSV or TSV by extension,
optionally .gz or .zst; the columns id, text and lang; a missing id is "<file>:<line>", a missing lang is
guessed from the text. A bad row (broken JSON, no text, invalid UTF-8, a post over 100,000 bytes) is counted,
named with its file:line and reason in the summary, and skipped, as `sieve score` does.
"""
import csv
import glob
import gzip
import io
import json
import os
import shutil
import subprocess
import uuid

import sieve

__all__ = ["score_files", "score_file", "plan_tasks", "read_posts", "output_path"]

KEY_COLUMNS = ("id", "text", "lang")     # the columns of `sieve score`'s default mapping that it reads
MAX_ROW_BYTES = 16 << 20                 # a longer line or record is a bad row, as in the C++ readers
MAX_TEXT_BYTES = 100_000                 # the default limit of `sieve score`
CHUNK_POSTS = 2048                       # posts per Model.score_records call
SHARD_BYTES = 256 << 20                  # plain JSONL files larger than this are scored in byte ranges
PROBLEMS_KEPT = 100                      # bad rows named in a summary; all of them are counted

# The output lines: compact, UTF-8 kept as it is, as `sieve score` writes them.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_decode_json = json.JSONDecoder().raw_decode  # json.loads without its two whitespace scans

# The models loaded in this process (a Dask worker), by path: one load per worker, not per task.
_models = {}


def _model(path):
    if path not in _models:
        _models[path] = sieve.Model(path)
    return _models[path]


# ---------------------------------------------------------------- reading posts as `sieve score` does


def _format_of(path):
    name = path[:-3] if path.endswith(".gz") else path[:-4] if path.endswith(".zst") else path
    if name.endswith((".jsonl", ".json", ".ndjson")):
        return "jsonl"
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".tsv", ".tab")):
        return "tsv"
    raise ValueError(f"{path}: cannot tell the format from the name: give it (jsonl, csv or tsv)")


class _ZstdCommand(io.RawIOBase):
    """The output of `zstd -dc <path>`, for when the zstandard package is not installed."""

    def __init__(self, path):
        self._process = subprocess.Popen(["zstd", "-dcq", path], stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE)

    def readable(self):
        return True

    def readinto(self, buffer):
        n = self._process.stdout.readinto(buffer)
        if n == 0 and self._process.wait() != 0:
            message = self._process.stderr.read().decode("utf-8", "replace").strip()
            raise EOFError(f"the zstd stream cannot be read ({message})")
        return n

    def close(self):
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._process.stdout.close()
        self._process.stderr.close()
        super().close()


def _open_bytes(path):
    """The uncompressed bytes of a file, buffered."""
    if path.endswith(".gz"):
        return gzip.open(path, "rb")
    if path.endswith(".zst"):
        try:
            import zstandard
            reader = zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), read_across_frames=True,
                                                                closefd=True)
            return io.BufferedReader(reader)
        except ImportError:
            return io.BufferedReader(_ZstdCommand(path))
    return open(path, "rb")


def _field(value):
    """A JSON value as the C++ reader sees a field: None when absent or null, else its text."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "%.0f" % value if value == int(value) else "%.17g" % value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _sanitized(text):
    # An id or language with bytes that are not UTF-8 is kept with U+FFFD for each (utf8::sanitize).
    if text.isascii():
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _text_problem(text):
    """Why `sieve score` would reject the text ("" when it reads it): datasets::text_problem. Bytes that are
    not UTF-8 reach here as surrogates (surrogateescape, or a lone surrogate escaped in JSON)."""
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        invalid = sum(1 for c in text if 0xD800 <= ord(c) <= 0xDFFF)
        return f"invalid UTF-8 in the text ({invalid} bytes)"
    if size > MAX_TEXT_BYTES:
        return f"text of {size} bytes is longer than the limit of {MAX_TEXT_BYTES}"
    return ""


def _ascii_lower(text):
    # The readers lowercase a language code byte by byte (ASCII only), so "EN" is "en" and "É" stays.
    return text.lower() if text.isascii() else "".join(c.lower() if c.isascii() else c for c in text)


def _post(fields, where):
    """(id, text, lang or None) from the three fields of a row, or a reason to reject it."""
    text = fields[1]
    if text is None:
        return None, "missing text ('text')"
    problem = _text_problem(text)
    if problem:
        return None, problem
    lang = fields[2]
    lang = _ascii_lower(lang) if lang else None
    post_id = _sanitized(fields[0]) if fields[0] is not None else where
    return (post_id, text, _sanitized(lang) if lang else None), ""


def _jsonl_rows(stream, first_line=1, end_offset=None, start_offset=0):
    """(line, fields or None, reason) per non-blank line; the bytes from start_offset up to the line that
    starts at or after end_offset."""
    number = first_line - 1
    offset = start_offset
    for raw in stream:
        if end_offset is not None and offset >= end_offset:
            return
        offset += len(raw)
        number += 1
        line = raw.rstrip(b"\n")
        if line.endswith(b"\r"):
            line = line[:-1]
        if len(line) > MAX_ROW_BYTES:
            yield number, None, f"line of {len(line)} bytes is longer than the limit of {MAX_ROW_BYTES}"
            continue
        if not line.strip(b" \t"):
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            invalid = len(line) - len(line.decode("utf-8", "ignore").encode("utf-8"))
            yield number, None, f"invalid UTF-8 ({invalid} bytes)"
            continue
        text = text.strip(" \t\r")
        try:
            row, end = _decode_json(text)
            if end != len(text):
                raise json.JSONDecodeError("Extra data", text, end)
        except ValueError as e:
            yield number, None, f"malformed JSON: {e.msg}"
            continue
        if not isinstance(row, dict):
            yield number, None, "not a JSON object"
            continue
        yield number, [_field(row.get(key)) for key in KEY_COLUMNS], ""


def _csv_rows(stream, path, delimiter):
    """(line, fields or None, reason) per record after the header; an empty field is an absent one."""
    csv.field_size_limit(MAX_ROW_BYTES)
    text = io.TextIOWrapper(stream, encoding="utf-8", errors="surrogateescape", newline="")
    reader = csv.reader(text, delimiter=delimiter, quotechar='"', doublequote=True, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ValueError(f"{path}: empty file: no header row") from None
    if "text" not in header:
        raise ValueError(f"{path}:1: no text column 'text' in the header ({', '.join(header)})")
    columns = [header.index(key) if key in header else -1 for key in KEY_COLUMNS]
    line = reader.line_num
    while True:
        first = line + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            line = reader.line_num
            yield first, None, str(e)
            continue
        line = reader.line_num
        if not record:
            continue  # a blank line
        if len(record) != len(header):
            yield first, None, f"expected {len(header)} fields, got {len(record)}"
            continue
        yield first, [record[c] if c >= 0 and record[c] != "" else None for c in columns], ""


def read_posts(path, begin=0, end=None, first_line=1):
    """One (post, "") per row `sieve score` would score, post being (id, text, lang or None), and one
    (None, "<path>:<line>: <reason>") per bad row, in file order. begin/end: a byte range of a plain JSONL
    file (the lines that start inside it; first_line is the number of the line at begin)."""
    kind = _format_of(path)
    stream = _open_bytes(path)
    try:
        if kind == "jsonl":
            if begin:
                stream.seek(begin)
            rows = _jsonl_rows(stream, first_line, end, begin)
        else:
            rows = _csv_rows(stream, path, "," if kind == "csv" else "\t")
        yield from _posts_of(rows, path)
    finally:
        stream.close()


def _posts_of(rows, path):
    line = 0
    try:
        for line, fields, reason in rows:
            if fields is not None:
                post, reason = _post(fields, f"{path}:{line}")
                if post is not None:
                    yield post, ""
                    continue
            yield None, f"{path}:{line}: {reason}"
    except (EOFError, OSError, gzip.BadGzipFile) as e:  # a stream that stops early loses the rest
        yield None, f"{path}:{line + 1}: {e}; the rows before this line were read"


# ---------------------------------------------------------------- scoring one file (a worker's task)


def output_path(path, out_dir=None):
    """Where the scores of an input go: <input>.scores.jsonl beside it, or in out_dir."""
    name = os.path.basename(path) + ".scores.jsonl"
    return os.path.join(out_dir, name) if out_dir else os.path.join(os.path.dirname(path), name)


def _score_chunk(model, posts, threads, out):
    """Writes the lines `sieve score` writes for the posts (id, text, lang or None), in their order."""
    guessed = [i for i, p in enumerate(posts) if p[2] is None]
    given = [i for i, p in enumerate(posts) if p[2] is not None]
    records = [None] * len(posts)
    for indices, langs in ((guessed, None), (given, [posts[i][2] for i in given])):
        if not indices:
            continue
        scored = model.score_records([posts[i][1] for i in indices], ids=[posts[i][0] for i in indices],
                                     langs=langs, threads=threads)
        for i, record in zip(indices, scored):
            records[i] = record
    out.write("\n".join(map(_ENCODER.encode, records)) + "\n")


def score_file(model_path, path, output, threads=1, begin=0, end=None, first_line=1):
    """Scores one file (or the byte range [begin, end) of a plain JSONL file) into output, through
    output + ".partial": {path, posts, rejected, output, problems}."""
    model = _model(model_path)
    partial = output + ".partial"
    posts_written = rejected = 0
    problems = []
    with open(partial, "w", encoding="utf-8") as out:
        chunk = []
        for post, problem in read_posts(path, begin, end, first_line):
            if post is None:
                rejected += 1
                if len(problems) < PROBLEMS_KEPT:
                    problems.append(problem)
                continue
            chunk.append(post)
            if len(chunk) == CHUNK_POSTS:
                _score_chunk(model, chunk, threads, out)
                posts_written += len(chunk)
                chunk = []
        if chunk:
            _score_chunk(model, chunk, threads, out)
            posts_written += len(chunk)
    os.replace(partial, output)
    return {"path": path, "posts": posts_written, "rejected": rejected, "output": output, "problems": problems}


def _line_ranges(path, shards):
    """About `shards` byte ranges of a plain JSONL file, cut at line starts, with the number of the line at
    each: [(begin, end, first_line)]."""
    size = os.path.getsize(path)
    cuts = [0]
    with open(path, "rb") as f:
        for k in range(1, shards):
            target = size * k // shards
            if target <= cuts[-1]:
                continue
            f.seek(target - 1)
            f.readline()  # to the end of the line that holds byte target - 1
            if f.tell() >= size:
                break
            cuts.append(f.tell())
        cuts.append(size)
        ranges, line = [], 1
        for begin, end in zip(cuts, cuts[1:]):
            ranges.append((begin, end, line))
            line += _count_newlines(f, begin, end)
    return ranges


def _count_newlines(f, begin, end):
    f.seek(begin)
    count = 0
    while begin < end:
        block = f.read(min(1 << 20, end - begin))
        if not block:
            break
        count += block.count(b"\n")
        begin += len(block)
    return count


def _join_parts(parts, output):
    """One output from the outputs of a file's byte ranges, in order; the parts are removed."""
    partial = output + ".partial"
    with open(partial, "wb") as out:
        for part in parts:
            with open(part["output"], "rb") as f:
                shutil.copyfileobj(f, out, 1 << 20)
    os.replace(partial, output)
    for part in parts:
        os.remove(part["output"])
    problems = [p for part in parts for p in part["problems"]][:PROBLEMS_KEPT]
    return {"path": parts[0]["path"], "posts": sum(p["posts"] for p in parts),
            "rejected": sum(p["rejected"] for p in parts), "output": output, "problems": problems}


# ---------------------------------------------------------------- the client side


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
            if os.path.isdir(given) and not _readable_name(path):
                continue
            _format_of(path)  # a file named explicitly must have a format the readers know
            files.append(path)
    return files


def _readable_name(path):
    try:
        _format_of(path)
        return True
    except ValueError:
        return False


def plan_tasks(path, shard_bytes=SHARD_BYTES):
    """The byte ranges a file is scored in: one for a compressed, CSV or TSV file (its rows cannot be found
    without reading from the start), about size / shard_bytes for a plain JSONL file."""
    if _format_of(path) != "jsonl" or path.endswith((".gz", ".zst")):
        return [(0, None, 1)]
    size = os.path.getsize(path)
    shards = max(1, -(-size // shard_bytes))
    return [(0, None, 1)] if shards == 1 else _line_ranges(path, shards)


def _task_key(step, path):
    # Named for the dashboard, and new on every call: a file scored again is read again, never taken from
    # the result of an earlier call that the scheduler still holds.
    return f"sieve-{step}-{os.path.basename(path)}-{uuid.uuid4().hex}"


def score_files(client, model_path, inputs, out_dir=None, threads_per_task=1, shard_bytes=SHARD_BYTES):
    """Scores every input on the cluster of client, one task per file (per byte range of a plain JSONL file
    over shard_bytes), writing <input>.scores.jsonl beside each input (or in out_dir). Returns one summary
    per input, in order: {path, posts, rejected, output, problems} (problems: the first bad rows, as
    "<file>:<line>: <reason>"). Paths must be readable by the workers, and outputs writable."""
    model_path = os.path.abspath(model_path)
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
    futures = []
    for path in expand_inputs(inputs):
        output = output_path(path, out_dir)
        ranges = plan_tasks(path, shard_bytes)
        if len(ranges) == 1:
            futures.append(client.submit(score_file, model_path, path, output, threads_per_task,
                                         key=_task_key("score", path)))
            continue
        parts = [client.submit(score_file, model_path, path, f"{output}.part-{k}", threads_per_task,
                               begin, end, line, key=_task_key(f"score-part-{k}", path))
                 for k, (begin, end, line) in enumerate(ranges)]
        futures.append(client.submit(_join_parts, parts, output, key=_task_key("join", path)))
    return client.gather(futures)
