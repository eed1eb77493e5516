#!/usr/bin/env python3
"""What each fluency value and statistic says on its own: for the output of `sieve fluency score` on the
corpus's test split, the ROC-AUC of every value inside each language × source cell that holds both labels
of the nonnative or the machine head, and the share of the pairs (a learner sentence and its correction, an
MT output and its human translation) it orders right, with no classifier in between.

    sieve fluency score -m fluency.model ../shared/corpus/test.jsonl -o scores.jsonl
    python3 bench/fluency_signal.py scores.jsonl [--corpus ../shared/corpus]

A value may point either way (a machine translation is often more probable than a human one), so both
numbers are given as max(x, 1 - x) with the direction that wins: "+" when the value is higher for the
positive label. Prints Markdown tables, one per head."""
import argparse
import collections
import json
import os

HEADS = ["nonnative", "machine"]
MIN_PER_CLASS = 10  # a cell with fewer posts of either label is left out


def roc_auc(positives, negatives):
    """The probability that a positive scores above a negative, ties counting half."""
    ranked = sorted([(v, 1) for v in positives] + [(v, 0) for v in negatives])
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j + 1 < len(ranked) and ranked[j + 1][0] == ranked[i][0]:
            j += 1
        mean_rank = (i + j) / 2 + 1
        rank_sum += mean_rank * sum(label for _, label in ranked[i:j + 1])
        i = j + 1
    p, n = len(positives), len(negatives)
    return (rank_sum - p * (p + 1) / 2) / (p * n)


def paired_share(pairs, values):
    """The share of (positive, negative) pairs where the positive's value is higher, ties counting half."""
    if not pairs:
        return None
    above = sum(1.0 if values[a] > values[b] else 0.5 if values[a] == values[b] else 0.0 for a, b in pairs)
    return above / len(pairs)


def oriented(x):
    return "–" if x is None else f"{max(x, 1 - x):.3f}{'+' if x >= 0.5 else '−'}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scores", help="the JSON lines of `sieve fluency score` on test.jsonl")
    parser.add_argument("--corpus", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus"))
    args = parser.parse_args()
    with open(args.scores, encoding="utf-8") as f:
        scores = {row["id"]: row for row in map(json.loads, f)}
    names = [k for k in next(iter(scores.values())) if k not in ("id", "scored_as")]
    with open(os.path.join(args.corpus, "test.jsonl"), encoding="utf-8") as f:
        rows = [row for row in map(json.loads, f) if row["id"] in scores]
    for head in HEADS:
        cells = collections.defaultdict(lambda: ([], []))
        groups = collections.defaultdict(lambda: ([], []))
        for row in rows:
            if row.get(head) in (0, 1):
                cells[(row["source"], row["lang"])][1 - row[head]].append(row["id"])
                groups[row["group"]][1 - row[head]].append(row["id"])
        kept = [(cell, pos, neg) for cell, (pos, neg) in sorted(cells.items())
                if len(pos) >= MIN_PER_CLASS and len(neg) >= MIN_PER_CLASS]
        pairs = [(a, b) for pos, neg in groups.values() for a in pos for b in neg]
        print(f"\n{head}: ROC-AUC within each cell, and the pairs ({len(pairs):,}) ordered right\n")
        print("| value | " + " | ".join(f"{s}/{lang} ({len(p) + len(n):,})" for (s, lang), p, n in kept) + " | pairs |")
        print("|---" + "|---:" * (len(kept) + 1) + "|")
        for name in names:
            values = {i: scores[i][name] for i in scores}
            aucs = [roc_auc([values[i] for i in pos], [values[i] for i in neg]) for _, pos, neg in kept]
            print(f"| `{name}` | " + " | ".join(oriented(a) for a in aucs) +
                  f" | {oriented(paired_share(pairs, values))} |")


if __name__ == "__main__":
    main()
