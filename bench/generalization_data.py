"""The data side of bench/generalization: counts the posts and labels of each source of the corpus and writes
the test posts of each source to its own file, for the leave-one-source-out evaluations.

Usage: generalization_data.py CORPUS_DIR OUT_DIR
       generalization_data.py --train-without SOURCE CORPUS_DIR OUT_FILE
  The second form writes the rows of train.jsonl of every other source to OUT_FILE, for a fluency model that
  never saw SOURCE (a leave-one-source-out run). The first
  writes OUT_DIR/sources.json ({"train": {source: posts}, "test": {source: {"posts", "labels": {head: {"0", "1"}}}}})
  and OUT_DIR/test-<source>.jsonl (the rows of test.jsonl of that source, unchanged), and prints the sources of
  train.jsonl, most posts first, one per line. A source whose name is not a plain file name
  ([A-Za-z0-9._-]) is counted but gets no file, and is not printed.
"""
import collections
import json
import os
import re
import sys

LABELS = ["coordinated", "machine", "nonnative", "abusive"]
PLAIN_NAME = re.compile(r"^[A-Za-z0-9._-]+$")


def train_sources(path):
    counts = collections.Counter()
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                counts[json.loads(line)["source"]] += 1
    return counts


def split_test(path, out):
    stats, files = {}, {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            row = json.loads(line)
            source = row["source"]
            entry = stats.setdefault(source, {"posts": 0, "labels": {}})
            entry["posts"] += 1
            for label in LABELS:
                if label in row:
                    counts = entry["labels"].setdefault(label, {"0": 0, "1": 0})
                    counts[str(row[label])] = counts.get(str(row[label]), 0) + 1
            if PLAIN_NAME.match(source):
                if source not in files:
                    files[source] = open(os.path.join(out, f"test-{source}.jsonl"), "w", encoding="utf-8")
                files[source].write(line if line.endswith("\n") else line + "\n")
    for f in files.values():
        f.close()
    return stats


def main(corpus, out):
    os.makedirs(out, exist_ok=True)
    train = train_sources(os.path.join(corpus, "train.jsonl"))
    test = split_test(os.path.join(corpus, "test.jsonl"), out)
    with open(os.path.join(out, "sources.json"), "w") as f:
        json.dump({"train": dict(train.most_common()), "test": test}, f, indent=1)
        f.write("\n")
    for source, _ in train.most_common():
        if PLAIN_NAME.match(source):
            print(source)
        else:
            print(f"generalization_data.py: source {source!r} is not a plain file name: no leave-one-out run",
                  file=sys.stderr)


def train_without(source, corpus, out):
    with open(os.path.join(corpus, "train.jsonl"), encoding="utf-8") as lines, \
            open(out, "w", encoding="utf-8") as kept:
        for line in lines:
            if line.strip() and json.loads(line)["source"] != source:
                kept.write(line if line.endswith("\n") else line + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--train-without":
        train_without(*sys.argv[2:])
    elif len(sys.argv) == 3:
        main(sys.argv[1], sys.argv[2])
    else:
        sys.exit(__doc__)
