"""The table of bench/train_compare: test ROC-AUC per head x language for fastText (the better of its two
settings on dev, per label) and for each sieve architecture, the mean over cells with both classes, and
training time as a ratio to fastText's total. Also the metrics bench/compare computes for fastText as
`sieve eval` does for sieve (docs/evaluation.md): ROC-AUC, PR-AUC (average precision) and F1 at the
threshold of best dev F1."""
import json
import os
import sys

LABELS = ["coordinated", "machine", "nonnative", "abusive"]
LANGS = ["en", "fr", "zh"]


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


def fasttext_scores(ft, label, setting, split):
    scores = []
    with open(os.path.join(ft, f"{label}.{setting}.{split}.pred")) as pred:
        for line in pred:
            parts = line.split()
            probs = {parts[k]: float(parts[k + 1]) for k in range(0, len(parts), 2)}
            scores.append(probs.get("__label__1", 1 - probs.get("__label__0", 0.5)))
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
