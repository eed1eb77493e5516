#!/usr/bin/env python3
"""What unlabelled native text buys the fluency model: time and peak memory of `sieve fluency train` on the
labelled corpus's train split alone and with `--native`, and, on the test split, the share of learner /
correction pairs (and MT output / post-edit pairs) that each model's word_logprob_mean orders right.

    python3 bench/fluency_native.py [--sieve build/cli/sieve] [--corpus ../shared/corpus]
                                    [--native ../shared/native] [--out build/fluency-native]

Needs GNU time (/usr/bin/time -v). Prints a Markdown table."""
import argparse
import collections
import json
import os
import re
import subprocess
import sys

PAIRED = [("wi-locness", "nonnative"), ("jfleg", "nonnative"), ("mucgec", "nonnative"),
          ("nlpcc2018", "nonnative"), ("mlqe", "machine")]


def train(args, name, extra):
    model = os.path.join(args.out, name + ".model")
    cmd = ["/usr/bin/time", "-v", args.sieve, "fluency", "train", os.path.join(args.corpus, "train.jsonl"),
           "-o", model] + extra
    log = subprocess.run(cmd, stderr=subprocess.PIPE, text=True).stderr
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", log).group(1)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", log).group(1))
    parts = [float(p) for p in wall.split(":")]
    seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    scores = os.path.join(args.out, name + ".scores.jsonl")
    subprocess.run([args.sieve, "fluency", "score", "-m", model, os.path.join(args.corpus, "test.jsonl"),
                    "-o", scores], check=True)
    values = {}
    with open(scores, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            values[row["id"]] = row["word_logprob_mean"]
    return {"seconds": seconds, "rss_gb": rss / 1e6, "bytes": os.path.getsize(model), "mean": values}


def pair_shares(corpus, runs):
    groups = collections.defaultdict(list)
    with open(os.path.join(corpus, "test.jsonl"), encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            for source, label in PAIRED:
                if row["source"] == source and row.get(label) in (0, 1):
                    groups[(source, label, row["group"])].append(row)
    shares = {}
    for source, label in PAIRED:
        right = collections.Counter()
        pairs = 0
        for (s, l, _), rows in groups.items():
            if s != source:
                continue
            for worse in rows:
                for better in rows:
                    if worse[label] != 1 or better[label] != 0 or worse["lang"] != better["lang"]:
                        continue
                    if worse["text"] == better["text"]:
                        continue
                    pairs += 1
                    for name, run in runs.items():
                        a, b = run["mean"][worse["id"]], run["mean"][better["id"]]
                        right[name] += 1.0 if b > a else 0.5 if b == a else 0.0
        shares[source] = (pairs, {name: right[name] / pairs if pairs else 0.0 for name in runs})
    return shares


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sieve", default="build/cli/sieve")
    parser.add_argument("--corpus", default="../shared/corpus")
    parser.add_argument("--native", default="../shared/native")
    parser.add_argument("--out", default="build/fluency-native")
    parser.add_argument("extra", nargs="*", help="more options for both trainings, after --")
    args = parser.parse_args()
    for path in (args.corpus, args.native):
        if not os.path.isdir(path):
            sys.exit(f"{path} is absent: nothing to measure")
    os.makedirs(args.out, exist_ok=True)
    runs = {"corpus": train(args, "corpus", args.extra),
            "+ native": train(args, "native", ["--native", args.native] + args.extra)}
    print("| training | wall time | peak RSS | model file |")
    print("|---|---:|---:|---:|")
    for name, run in runs.items():
        print(f"| {name} | {run['seconds']:.0f} s | {run['rss_gb']:.2f} GB | {run['bytes'] / 1e6:.0f} MB |")
    print()
    print("| test pairs (word_logprob_mean) | pairs | corpus | + native |")
    print("|---|---:|---:|---:|")
    for source, (pairs, share) in pair_shares(args.corpus, runs).items():
        print(f"| {source} | {pairs} | {share['corpus']:.3f} | {share['+ native']:.3f} |")


if __name__ == "__main__":
    main()
