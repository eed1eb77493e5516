"""sieve.Normalizer and sieve.metrics: no model needed."""
import random

import numpy as np
import pytest

import sieve


def test_the_default_normalizer_folds_width_case_and_masks():
    n = sieve.Normalizer()
    assert n.normalize("Ｔｒｕｄｅａｕ   LIED!!!!! https://x.co/a @bob 2023") == "trudeau lied!!! <url> <user> <num>"


def test_settings_change_only_the_keys_given_and_round_trip():
    default = sieve.Normalizer().settings
    kept_case = sieve.Normalizer({"case_fold": False})
    assert kept_case.normalize("Trudeau") == "Trudeau"
    assert kept_case.settings == {**default, "case_fold": False}
    assert sieve.Normalizer(kept_case.settings).settings == kept_case.settings


def test_unknown_settings_and_bad_values_raise_with_the_key():
    with pytest.raises(sieve.Error, match="unknown key 'casefold'"):
        sieve.Normalizer({"casefold": False})
    with pytest.raises(sieve.Error, match="case_fold"):
        sieve.Normalizer({"case_fold": "no"})
    assert issubclass(sieve.Error, ValueError)


def test_lone_surrogates_are_replaced_like_invalid_utf8():
    # A str can hold what UTF-8 cannot; it reaches the normalizer as invalid bytes, which it replaces.
    normalized = sieve.Normalizer().normalize("bad \udc80 text")
    assert normalized.startswith("bad ") and normalized.endswith(" text") and "\ufffd" in normalized


def pairwise_roc_auc(labels, scores):
    positives = [s for l, s in zip(labels, scores) if l == 1]
    negatives = [s for l, s in zip(labels, scores) if l == 0]
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def test_roc_auc_equals_the_pairwise_count():
    rng = random.Random(7)
    labels = [rng.randint(0, 1) for _ in range(400)]
    scores = [round(rng.random() * 0.5 + 0.3 * l, 2) for l in labels]  # rounded: ties too
    assert sieve.metrics.roc_auc(labels, scores) == pytest.approx(pairwise_roc_auc(labels, scores), abs=1e-12)
    assert sieve.metrics.roc_auc(np.array(labels, dtype=bool), np.array(scores)) == pytest.approx(
        pairwise_roc_auc(labels, scores), abs=1e-12)


def test_perfect_and_reversed_rankings():
    labels, scores = [0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]
    assert sieve.metrics.roc_auc(labels, scores) == 1.0
    assert sieve.metrics.roc_auc(labels, [1 - s for s in scores]) == 0.0
    assert sieve.metrics.pr_auc(labels, scores) == pytest.approx(1.0)
    best = sieve.metrics.best_f1_threshold(labels, scores)
    assert best["threshold"] == pytest.approx(0.8) and best["f1"] == pytest.approx(1.0)
    confusion = sieve.metrics.confusion_at(labels, scores, 0.5)
    assert (confusion["true_positives"], confusion["false_positives"]) == (2, 0)


def test_threshold_for_fpr_keeps_the_rate_on_the_organic_posts():
    rng = random.Random(3)
    organic = [rng.random() for _ in range(10_000)]
    t = sieve.metrics.threshold_for_fpr(organic, 0.01)
    flagged = sum(s >= t["threshold"] for s in organic)
    assert flagged == t["flagged"] and t["posts"] == 10_000
    assert flagged / 10_000 <= 0.01 and t["fpr"] == pytest.approx(flagged / 10_000)
    assert t["fpr_upper"] > t["fpr"]
    weighted = sieve.metrics.threshold_for_fpr(organic, 0.01, weights=np.ones(10_000))
    assert weighted["threshold"] == pytest.approx(t["threshold"])


def test_calibration_error_and_intervals():
    labels = [0] * 50 + [1] * 50
    assert sieve.metrics.expected_calibration_error(labels, [0.5] * 100) == pytest.approx(0.0)
    assert sieve.metrics.expected_calibration_error(labels, [0.9] * 100) == pytest.approx(0.4)
    low, high = sieve.metrics.wilson_interval(0, 100)
    assert low == 0.0 and 0.03 < high < 0.04
    assert sieve.metrics.precision_at_prevalence(1.0, 0.01, 0.01) == pytest.approx(0.01 / (0.01 + 0.0099))


def test_bad_metric_input_raises():
    with pytest.raises(ValueError, match="labels"):
        sieve.metrics.roc_auc([0, 1], [0.1])
    with pytest.raises(ValueError, match=r"labels\[1\]: 0 or 1"):
        sieve.metrics.roc_auc([0, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="finite"):
        sieve.metrics.roc_auc([0, 1], [0.1, float("nan")])
    for rate in (0, 1, 2, -0.1, float("nan")):
        with pytest.raises(ValueError, match="max_fpr: must be strictly between 0 and 1"):
            sieve.metrics.threshold_for_fpr([0.1, 0.2], rate)
    with pytest.raises(sieve.Error, match="max_fpr: must be strictly between 0 and 1"):
        sieve.metrics.threshold_for_fpr([0.1, 0.2], 1, weights=[1.0, 1.0])
