"""Whether a change moved a small evaluation cell beyond chance: two models' ROC-AUC on the same posts, and a
percentile interval of their difference from resampling whole groups (a learner sentence and its correction,
the posts of one account), since posts of one group are not independent. The same method as the runtime's
paired_auc_bootstrap (infer/report/paired_bootstrap.h), for benches that hold scores in Python.

A fall whose interval reaches above zero may be chance. The interval covers the sampling of the test posts,
not the training seed, which moves cells of a few hundred posts by 0.02 to 0.04 on its own: a fall to act on
holds from more than one seed too. A cell of fewer than MIN_GROUPS groups (tweepfake's four accounts) gets
no interval: resampling a handful of groups says nothing.
"""
import math
import random

from compare_report import roc_auc

MIN_GROUPS = 20


def paired_auc_interval(rows, resamples=1000, level=0.95, seed=1):
    """rows: (group, label 0/1, score before, score after) of one cell. Returns (after − before on the rows
    as given, low, high) of the interval at `level`, low and high None under MIN_GROUPS groups; or None when
    the rows lack a class."""
    by_group = {}
    for group, label, before, after in rows:
        by_group.setdefault(group, []).append((label, before, after))
    groups = list(by_group.values())

    def difference(posts):
        before = roc_auc([(b, y) for y, b, _ in posts])
        after = roc_auc([(a, y) for y, _, a in posts])
        return None if before is None or after is None else after - before

    point = difference([post for group in groups for post in group])
    if point is None:
        return None
    if len(groups) < MIN_GROUPS:
        return point, None, None
    rng = random.Random(seed)
    draws = []
    for _ in range(resamples):
        d = difference([post for _ in groups for post in rng.choice(groups)])
        if d is not None:
            draws.append(d)
    draws.sort()
    tail = (1 - level) / 2
    return point, draws[int(tail * len(draws))], draws[min(len(draws) - 1, int((1 - tail) * len(draws)))]


def more_flagged_p(flagged, posts, flagged_before, posts_before):
    """One-sided Fisher exact test: the chance that, with no difference between the two models, the first
    would flag at least `flagged` of its `posts` given both models' flags together."""
    total, together = posts + posts_before, flagged + flagged_before
    if together == 0:
        return 1.0
    return sum(math.comb(together, k) * math.comb(total - together, posts - k)
               for k in range(flagged, min(together, posts) + 1)) / math.comb(total, posts)
