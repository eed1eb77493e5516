"""sieve.Model on a small model of random weights (conftest.py): what it refuses, and how it says so. Needs
neither the corpus nor training."""
import os

import numpy as np
import pytest

import sieve


@pytest.fixture(scope="module")
def model_path(fixture_folder):
    return os.path.join(fixture_folder, "model.sieve")


@pytest.fixture(scope="module")
def model(model_path):
    return sieve.Model(model_path)


def test_posts_sieve_score_rejects_are_refused_with_their_index(model):
    # `sieve score` and the server refuse a post over 100,000 bytes and one that is not valid UTF-8.
    with pytest.raises(ValueError, match=r"^post 1: text of 2000000 bytes is longer than the limit of 100000$"):
        model.score(["fine", "x" * 2_000_000])
    with pytest.raises(ValueError, match=r"^post 2: invalid UTF-8 in the text \(3 bytes\): the str holds a lone "
                                         r"surrogate \(U\+D800 to U\+DFFF\), which UTF-8 cannot encode$"):
        model.score(["a", "b", "bad \ud800 post"])
    with pytest.raises(ValueError, match="^post 0: text of 2000000 bytes"):
        model.score_records(["x" * 2_000_000])
    with pytest.raises(ValueError, match="^text: invalid UTF-8"):
        model.explain("\udc80", "coordinated")


def test_the_limit_is_the_command_s_and_a_keyword_changes_it(model):
    assert model.score(["x" * 100_000]).shape == (1, len(model.outputs))
    with pytest.raises(ValueError, match="longer than the limit of 100000"):
        model.score(["x" * 100_001])
    assert np.all(np.isfinite(model.score(["x" * 2_000_000], max_text_bytes=3_000_000)))
    with pytest.raises(ValueError, match="post 0: text of 11 bytes is longer than the limit of 10"):
        model.score_records(["a long post"], max_text_bytes=10)


def test_a_file_that_is_no_model_says_so_without_its_bytes(tmp_path, fixture_folder):
    posts = os.path.join(fixture_folder, "test.jsonl")
    with pytest.raises(sieve.Error, match=f"^{posts}: not a sieve model file: ") as raised:
        sieve.Model(posts)
    assert "8296257382957785723" not in str(raised.value)


def test_a_truncated_model_says_truncated_with_both_sizes(tmp_path, model_path):
    with open(model_path, "rb") as f:
        whole = f.read()
    cut = tmp_path / "cut.sieve"
    cut.write_bytes(whole[:-100])
    with pytest.raises(sieve.Error, match=f"^{cut}: truncated: expected {len(whole)} bytes, has {len(whole) - 100}$"):
        sieve.Model(str(cut))
