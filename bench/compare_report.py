"""The table of bench/train_compare: test ROC-AUC per head x language for fastText (the better of its two
settings on dev, per label) and for each sieve architecture, the mean over cells with both classes, and
training time as a ratio to fastText's total. Also the metrics bench/compare computes for fastText as
`sieve eval` does for sieve (docs/evaluation.md): ROC-AUC, PR-AUC (average precision), F1 at the
threshold of best dev F1, the within-source ROC-AUC and the paired accuracy."""
import json
import os
import sys

LABELS = ["coordinated", "machine", "nonnative", "abusive"]
LANGS = ["en", "fr", "zh"]
WITHIN_MIN_PER_CLASS = 20  # `sieve eval --within-min`'s default


def roc_auc(pairs):
    pairs = sorted(pairs)
    positives = sum(1 for _, y in pairs if y)
    negatives = len(pairs) - positives
    if positives == 0 or negatives == 0:
        return None
    rank_sum, i = 0.0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        mean_rank = (i + 1 + j) / 2
        rank_sum += mean_rank * sum(1 for k in range(i, j) if pairs[k][1])
        i = j
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def pr_auc(pairs):
    """Average precision: the mean over positives of the precision at the threshold that first includes
    them, tied scores entering together."""
    pairs = sorted(pairs, key=lambda p: -p[0])
    positives = sum(1 for _, y in pairs if y)
    if positives == 0:
        return None
    total, tp, seen, i = 0.0, 0, 0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        new = sum(1 for k in range(i, j) if pairs[k][1])
        tp, seen = tp + new, seen + (j - i)
        total += new * tp / seen
        i = j
    return total / positives


def best_f1_threshold(pairs):
    """The score with the highest F1 when used as threshold (positive: score >= threshold); the highest
    such on ties, as sieve's trainer chooses its thresholds."""
    pairs = sorted(pairs, key=lambda p: -p[0])
    positives = sum(1 for _, y in pairs if y)
    best, best_f1, tp, seen, i = 1.0, -1.0, 0, 0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        tp += sum(1 for k in range(i, j) if pairs[k][1])
        seen += j - i
        f1 = 2 * tp / (seen + positives) if seen + positives else 0.0
        if f1 > best_f1:
            best, best_f1 = pairs[i][0], f1
        i = j
    return best


def f1_at(pairs, threshold):
    tp = sum(1 for s, y in pairs if y and s >= threshold)
    predicted = sum(1 for s, _ in pairs if s >= threshold)
    positives = sum(1 for _, y in pairs if y)
    return 2 * tp / (predicted + positives) if predicted + positives else None


def ordered_pairs(pairs):
    """The (positive, negative) pairs of (score, label) items and those the positive scores higher in, a
    tie counting one half: the Mann-Whitney U, from one sort and never enumerating the pairs."""
    pairs = sorted(pairs, key=lambda p: p[0])
    positives = sum(1 for _, y in pairs if y)
    correct, negatives_below, i = 0.0, 0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        tied_positives = sum(1 for k in range(i, j) if pairs[k][1])
        tied_negatives = j - i - tied_positives
        correct += tied_positives * (negatives_below + tied_negatives / 2)
        negatives_below += tied_negatives
        i = j
    return positives * (len(pairs) - positives), correct


def within_source(posts, min_per_class=WITHIN_MIN_PER_CLASS):
    """`sieve eval`'s within_source of one binary head (infer/report/report_signal.cpp) from its labelled posts,
    (score, label, source, lang, group) each: the ROC-AUC inside every language x source cell holding at
    least min_per_class posts of each class, and their plain mean (None without a cell)."""
    by_cell = {}
    for score, y, source, lang, _ in posts:
        by_cell.setdefault((source, lang), []).append((score, y))
    cells = []
    for (source, lang), scored in sorted(by_cell.items()):
        positives = sum(1 for _, y in scored if y)
        if positives < min_per_class or len(scored) - positives < min_per_class:
            continue
        cells.append({"source": source, "lang": lang, "n": len(scored), "positives": positives,
                      "roc_auc": roc_auc(scored)})
    macro = sum(c["roc_auc"] for c in cells) / len(cells) if cells else None
    return {"min_per_class": min_per_class, "macro_roc_auc": macro, "cells": cells}


def paired(posts):
    """`sieve eval`'s paired of one binary head from the same posts: over the groups holding both labels
    (a group belongs to its source; a post without a group is in none), the share of (positive, negative)
    pairs of one group that the positive scores higher in, ties one half, pooled over all groups and per
    source (None without a pair)."""
    groups = {}
    for score, y, source, _, group in posts:
        if group is not None and group != "":
            groups.setdefault((source, str(group)), []).append((score, y))
    totals = {}  # source -> [groups, pairs, correct]
    for (source, _), scored in groups.items():
        pairs, correct = ordered_pairs(scored)
        if pairs == 0:
            continue
        t = totals.setdefault(source, [0, 0, 0.0])
        t[0], t[1], t[2] = t[0] + 1, t[1] + pairs, t[2] + correct
    by_source = [{"source": source, "groups": g, "pairs": n, "accuracy": c / n}
                 for source, (g, n, c) in sorted(totals.items())]
    pairs = sum(t[1] for t in totals.values())
    return {"groups": sum(t[0] for t in totals.values()), "pairs": pairs,
            "accuracy": sum(t[2] for t in totals.values()) / pairs if pairs else None, "by_source": by_source}


def fasttext_probabilities(path):
    """P(label 1) of each line of `fasttext predict-prob MODEL INPUT 2`'s output file."""
    scores = []
    with open(path) as pred:
        for line in pred:
            parts = line.split()
            probs = {parts[k]: float(parts[k + 1]) for k in range(0, len(parts), 2)}
            scores.append(probs.get("__label__1", 1 - probs.get("__label__0", 0.5)))
    return scores


def fasttext_scores(ft, label, setting, split):
    scores = fasttext_probabilities(os.path.join(ft, f"{label}.{setting}.{split}.pred"))
    keys = [line.split() for line in open(os.path.join(ft, f"{label}.{split}.key"))]
    return [(s, int(y), lang) for s, (y, lang) in zip(scores, keys)]


def cells_of(scored):
    out = {}
    for lang in LANGS:
        out[lang] = roc_auc([(s, y) for s, y, l in scored if l == lang])
    out["all"] = roc_auc([(s, y) for s, y, _ in scored])
    return out


def main(ft, ft_seconds, runs):
    table = {}
    for label in LABELS:
        dev = {s: cells_of(fasttext_scores(ft, label, s, "dev"))["all"] or 0 for s in ["default", "ngrams"]}
        best = max(dev, key=dev.get)
        table[("fastText", label)] = cells_of(fasttext_scores(ft, label, best, "test"))
        table[("fastText", label)]["setting"] = best
    names, seconds = ["fastText"], {"fastText": float(ft_seconds)}
    for run in runs:
        arch, path, secs = run.split("=")
        name = "sieve " + arch
        names.append(name)
        seconds[name] = float(secs)
        metrics = json.load(open(path))
        for label in LABELS:
            cells = {}
            for m in metrics["slices"]:
                if m["head"] != label:
                    continue
                if m["slice"] == "all":
                    cells["all"] = m["roc_auc"]
                elif m["slice"].startswith("lang:"):
                    cells[m["slice"][5:]] = m["roc_auc"]
            table[(name, label)] = cells
    print("test ROC-AUC per head x language (cells with both classes)")
    print(f"{'head':<12} {'lang':<5}" + "".join(f"{n:>18}" for n in names))
    sums = {n: [] for n in names}
    for label in LABELS:
        for lang in LANGS:
            ref = table[("fastText", label)].get(lang)
            if ref is None:
                continue
            row = f"{label:<12} {lang:<5}"
            for n in names:
                v = table[(n, label)].get(lang)
                row += f"{v:>18.4f}" if v is not None else f"{'-':>18}"
                if v is not None:
                    sums[n].append(v)
            print(row)
    print(f"{'mean':<18}" + "".join(f"{sum(v) / len(v):>18.4f}" for v in sums.values()))
    print(f"{'train seconds':<18}" + "".join(f"{seconds[n]:>18.1f}" for n in names))
    print(f"{'time / fastText':<18}" + "".join(f"{seconds[n] / seconds['fastText']:>18.2f}" for n in names))
    print("fastText settings chosen on dev: " +
          ", ".join(f"{l}={table[('fastText', l)]['setting']}" for l in LABELS))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
