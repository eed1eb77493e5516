"""sieve.Model against `sieve score`, on the model the front-end tests train on the corpus (its ctest
fixture) and the corpus' test posts. Skips when either is absent (a build without training, no corpus)."""
import json
import os
import subprocess

import numpy as np
import pytest

import sieve

CACHE = os.environ.get("SIEVE_TEST_CACHE_DIR", "")
MODEL_DIR = os.path.join(CACHE, "trained_model")
MODEL = os.path.join(MODEL_DIR, "model", "model.sieve")
CORPUS = os.environ.get("SIEVE_CORPUS_DIR", "")
SIEVE = os.environ.get("SIEVE_BINARY", "sieve")

pytestmark = pytest.mark.skipif(
    not (os.path.exists(MODEL_DIR + ".key") and os.path.exists(os.path.join(CORPUS, "test.jsonl"))),
    reason=f"no trained model in {MODEL_DIR} (the front-end tests' fixture) or no corpus in {CORPUS!r}")


@pytest.fixture(scope="module")
def model():
    return sieve.Model(MODEL)


@pytest.fixture(scope="module")
def posts():
    """The first 2,000 posts of the test split, with ids and languages."""
    with open(os.path.join(CORPUS, "test.jsonl"), encoding="utf-8") as f:
        rows = [json.loads(next(f)) for _ in range(2000)]
    return rows


@pytest.fixture(scope="module")
def cli_records(posts, tmp_path_factory):
    """What `sieve score` writes for the posts."""
    folder = tmp_path_factory.mktemp("score")
    given = folder / "posts.jsonl"
    given.write_text("".join(json.dumps({"id": p["id"], "text": p["text"], "lang": p["lang"]}) + "\n"
                             for p in posts), encoding="utf-8")
    scored = folder / "scores.jsonl"
    subprocess.run([SIEVE, "score", MODEL, str(given), "-o", str(scored), "--threads", "2"], check=True)
    return [json.loads(line) for line in scored.read_text(encoding="utf-8").splitlines()]


def column(record, model, name):
    head, _, label = name.partition(":")
    value = record["scores"][head]
    return value[label] if label else value


def test_scores_equal_those_of_sieve_score(model, posts, cli_records):
    scores = model.score([p["text"] for p in posts])
    assert scores.dtype == np.float32 and scores.shape == (len(posts), len(model.outputs))
    expected = np.array([[column(r, model, name) for name in model.outputs] for r in cli_records])
    assert np.max(np.abs(scores - expected)) <= 1e-6


def test_records_equal_those_of_sieve_score(model, posts, cli_records):
    records = model.score_records([p["text"] for p in posts], ids=[p["id"] for p in posts],
                                  langs=[p["lang"] for p in posts])
    assert len(records) == len(cli_records)
    for mine, theirs in zip(records, cli_records):
        assert mine.keys() == theirs.keys()
        assert (mine["id"], mine["lang"], mine["decisions"]) == (
            theirs["id"], theirs["lang"], theirs["decisions"])
        assert mine["ood"] == pytest.approx(theirs["ood"], abs=1e-6)


def test_threads_give_the_same_scores(model, posts):
    texts = [p["text"] for p in posts]
    assert np.array_equal(model.score(texts, threads=1), model.score(texts, threads=2))


def test_decisions_follow_the_thresholds(model, posts):
    scores = model.score([p["text"] for p in posts])
    decided = model.decide(scores)
    for head, threshold in model.thresholds.items():
        assert np.array_equal(decided[head], scores[:, model.outputs.index(head)] >= threshold)
    with pytest.raises(ValueError, match="expected an array"):
        model.decide(scores[:, :1])


def test_explain_points_into_the_normalized_post(model):
    text = "Why you hide the report? The people of Canada deserve the truth."
    normalized = model.normalizer.normalize(text)
    spans = model.explain(text, model.heads[0], k=3)
    assert 1 <= len(spans) <= 3
    for s in spans:  # begin and end are byte offsets into the UTF-8 text
        assert normalized.encode()[s["begin"]:s["end"]].decode() == s["span"]
    assert abs(spans[0]["logit_change"]) >= abs(spans[-1]["logit_change"])
    with pytest.raises(ValueError, match="no head 'nope'"):
        model.explain(text, "nope")


def test_the_tokenizer_is_the_models(model):
    tok = model.tokenizer
    text = "Alex Martin is criminal, he take the money of 300 families and run away"
    ids = tok.encode(text)
    assert ids and all(0 <= i < tok.vocab_size for i in ids)
    assert len(tok.pieces(text)) == len(ids)
    features = tok.features(text)
    assert list(features["ids"][:features["subword_count"]]) == ids
    assert features["ids"].dtype == np.uint32
    same = sieve.Tokenizer(os.path.join(MODEL_DIR, "spm.model"), normalizer=model.normalizer)
    assert same.encode(text) == ids


def test_self_test_passes(model):
    result = model.self_test()
    assert result["passed"] and result["samples"] > 0 and result["max_difference"] <= result["tolerance"]


def test_bad_input_raises(model):
    with pytest.raises(TypeError, match="post 1: expected str, got int"):
        model.score(["fine", 2])
    with pytest.raises(TypeError, match="one str"):
        model.score("a post, not a list")
    with pytest.raises(TypeError, match="ids 0: expected str, got int"):
        model.score_records(["a"], ids=[7])
    with pytest.raises(ValueError, match="threads"):
        model.score(["x"], threads=-1)
    with pytest.raises(ValueError, match="ids: 1 for 2 posts"):
        model.score_records(["a", "b"], ids=["only one"])
    assert model.score([]).shape == (0, len(model.outputs))
    empty_and_long = model.score(["", "x" * 100_000])
    assert np.all(np.isfinite(empty_and_long))
    with pytest.raises(ValueError, match="post 1: text of 1000000 bytes is longer than the limit of 100000"):
        model.score(["", "x" * 1_000_000])


def test_bad_model_files_raise_with_where(tmp_path):
    with pytest.raises(sieve.Error, match="^/nonexistent/model.sieve: cannot open"):
        sieve.Model("/nonexistent/model.sieve")
    truncated = tmp_path / "truncated.sieve"
    with open(MODEL, "rb") as f:
        truncated.write_bytes(f.read(5000))
    with pytest.raises(sieve.Error, match=f"^{truncated}: "):
        sieve.Model(str(truncated))


def test_scoring_releases_the_gil(model, posts, python_runs_during):
    texts = [p["text"] for p in posts] * 20  # 40,000 posts: long enough to see the other thread run
    seconds, steps_inside = python_runs_during(lambda: model.score(texts, threads=1))
    assert seconds > 0.05
    assert steps_inside > 1000
