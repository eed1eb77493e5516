#!/usr/bin/env python3
"""Exact against quantized fluency tables: two models of the same training (one of format 4, exact counts in
16-byte slots, one of format 5, quantized terms in 8-byte slots), their sizes (whole and serving half), the
time and memory of `sieve fluency score` over a test file with each, and the largest absolute difference of
every fluency value and statistic between the two.

    python3 bench/fluency_quantized.py --exact EXACT.model --quantized QUANTIZED.model
        [--sieve build/cli/sieve] [--test ../shared/corpus/test.jsonl] [--out build/fluency-quantized]
        [--repeat 2]

Needs GNU time (/usr/bin/time -v). Prints Markdown tables."""
import argparse
import json
import mmap
import os
import re
import subprocess


def u32(m, at):
    return int.from_bytes(m[at:at + 4], "little")


def model_end(m, at, version):
    """The offset after the n-gram model that starts at `at` (tokenizer/kneser_ney_file.cpp)."""
    order = u32(m, at)
    at += 4 + 4 * order + 8
    if version < 5:
        for _ in range(order):
            at += 4 + (16 << u32(m, at))
        return at
    sizes = [u32(m, at + 4 * j) for j in range(order)]
    at += 4 * order
    at = (at + 63) // 64 * 64
    return at + sum(8 << s for s in sizes)


def sizes(path):
    """(whole file, serving half) in bytes: the half is the header, fold 0's models and the checksum."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        version = u32(m, 8)
        assert m[:8] == b"SIEVEFLM" and version >= 4, path + ": not a fluency model of format 4 or 5"
        contrast = u32(m, 44)
        at = 48
        for _ in range(6 + (12 if contrast else 0)):
            at = model_end(m, at, version)
        return os.path.getsize(path), at + 8


def score(args, model, name):
    out = os.path.join(args.out, name + ".scores.jsonl")
    runs = []
    for _ in range(args.repeat):
        log = subprocess.run(["/usr/bin/time", "-v", args.sieve, "fluency", "score", "-m", model, args.test,
                              "-o", out], stderr=subprocess.PIPE, text=True, check=True).stderr
        wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", log).group(1)
        seconds = sum(float(p) * 60 ** i for i, p in enumerate(reversed(wall.split(":"))))
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", log).group(1))
        runs.append((seconds, rss / 1e3))
    rows = {}
    with open(out, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            rows[row["id"]] = row
    return min(runs), rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exact", required=True)
    parser.add_argument("--quantized", required=True)
    parser.add_argument("--sieve", default="build/cli/sieve")
    parser.add_argument("--test", default="../shared/corpus/test.jsonl")
    parser.add_argument("--out", default="build/fluency-quantized")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    results = {}
    for name, model in (("exact", args.exact), ("quantized", args.quantized)):
        (seconds, rss), rows = score(args, model, name)
        results[name] = (sizes(model), seconds, rss, rows)
    print("| tables | file | serving half | `sieve fluency score` wall (best of %d) | posts/s | peak RSS |"
          % args.repeat)
    print("|---|---:|---:|---:|---:|---:|")
    for name, ((whole, half), seconds, rss, rows) in results.items():
        print(f"| {name} | {whole / 1e6:.1f} MB | {half / 1e6:.1f} MB | {seconds:.2f} s | "
              f"{len(rows) / seconds:,.0f} | {rss:.0f} MB |")
    exact, quantized = results["exact"][3], results["quantized"][3]
    names = [k for k in next(iter(exact.values())) if k not in ("id", "scored_as")]
    print()
    print(f"Largest |exact - quantized| over {len(exact)} posts (posts that differ at all):")
    print()
    print("| value | largest difference | posts differing |")
    print("|---|---:|---:|")
    other_language = sum(exact[i]["scored_as"] != quantized[i]["scored_as"] for i in exact)
    for name in names:
        diffs = [abs(exact[i][name] - quantized[i][name]) for i in exact]
        print(f"| `{name}` | {max(diffs):.2g} | {sum(d > 0 for d in diffs)} |")
    print(f"\nposts scored as another language: {other_language}")


if __name__ == "__main__":
    main()
