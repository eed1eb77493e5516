"""sieve.adapt, sieve.campaigns and sieve.remove_campaign on the small model of random weights and the
simulated records of conftest.py (labelled posts of both classes from many accounts): what `sieve adapt`
and `sieve campaigns` do, from Python. Needs neither the corpus nor training."""
import json
import os
import shutil

import numpy as np
import pytest

import sieve

HEAD = "coordinated"


@pytest.fixture(scope="module")
def base(fixture_folder):
    return os.path.join(fixture_folder, "model.sieve")


@pytest.fixture(scope="module")
def labelled(fixture_folder, tmp_path_factory):
    """The simulated records under the campaign's name (the default name is the file's), and those of them
    that carry a label of the head."""
    path = tmp_path_factory.mktemp("campaign") / "spring.jsonl"
    shutil.copy(os.path.join(fixture_folder, "test.jsonl"), path)
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return str(path), [r for r in rows if HEAD in r]


@pytest.fixture(scope="module")
def adapted(base, labelled, tmp_path_factory):
    """The base model adapted to the campaign, the report and the progress lines."""
    out = str(tmp_path_factory.mktemp("adapted") / "adapted.sieve")
    lines = []
    report = sieve.adapt(base, labelled[0], out, HEAD, progress=lines.append)
    return out, report, lines


def test_the_adapted_model_lists_the_campaign_with_its_counts(base, labelled, adapted):
    out, report, _ = adapted
    rows = labelled[1]
    positives = sum(r[HEAD] == 1 for r in rows)
    assert 0 < positives < len(rows) and len({r["group"] for r in rows}) > 2
    assert sieve.campaigns(base) == []
    [campaign] = sieve.campaigns(out)
    assert campaign.keys() == {"name", "head", "posts", "positives", "background", "trained_at"}
    assert (campaign["name"], campaign["head"]) == ("spring", HEAD)
    assert (campaign["posts"], campaign["positives"], campaign["background"]) == (len(rows), positives, 0)
    assert report["campaign"] == "spring"
    assert report["posts"]["train"] + report["posts"]["held_back"] == len(rows)
    assert report["posts"]["held_back"] > 0 and report["posts"]["background"] == 0
    held_back = report["held_back"]
    assert held_back["verdict"] in ("better", "worse", "not different")
    assert {"roc_auc_before", "roc_auc_after", "difference_low", "difference_high", "level"} <= held_back.keys()


def test_the_campaign_changes_its_head_alone(base, labelled, adapted):
    texts = [r["text"] for r in labelled[1]]
    before = sieve.Model(base).score(texts)
    model = sieve.Model(adapted[0])
    after = model.score(texts)
    column = model.outputs.index(HEAD)
    assert np.any(np.abs(after[:, column] - before[:, column]) > 1e-4)
    others = [i for i in range(len(model.outputs)) if i != column]
    assert others and np.array_equal(after[:, others], before[:, others])


def test_removing_the_campaign_restores_the_base_scores(base, labelled, adapted, tmp_path):
    restored = str(tmp_path / "restored.sieve")
    sieve.remove_campaign(adapted[0], "spring", out=restored)
    assert sieve.campaigns(restored) == []
    assert [c["name"] for c in sieve.campaigns(adapted[0])] == ["spring"]
    texts = [r["text"] for r in labelled[1]]
    assert np.array_equal(sieve.Model(restored).score(texts), sieve.Model(base).score(texts))
    in_place = str(tmp_path / "in_place.sieve")
    shutil.copy(adapted[0], in_place)
    sieve.remove_campaign(in_place, "spring")
    assert sieve.campaigns(in_place) == []
    with pytest.raises(ValueError, match=f"^{in_place}: holds no campaign called 'spring'$"):
        sieve.remove_campaign(in_place, "spring")


def test_the_progress_callable_receives_the_lines(adapted):
    lines = adapted[2]
    assert lines and all(isinstance(line, str) for line in lines)
    assert any("held back by group" in line for line in lines)
    assert any("no --replay" in line for line in lines)


def test_a_head_the_model_lacks_is_refused_by_name(base, labelled, tmp_path):
    out = tmp_path / "a.sieve"
    with pytest.raises(ValueError, match="^--head nope: the base model has no such head") as raised:
        sieve.adapt(base, labelled[0], str(out), "nope")
    assert isinstance(raised.value, sieve.Error)
    with pytest.raises(ValueError, match="^--head lang: not a binary head$"):
        sieve.adapt(base, labelled[0], str(out), "lang")
    assert not out.exists()


def test_posts_of_one_class_are_refused(base, labelled, tmp_path):
    positives = tmp_path / "positives.jsonl"
    positives.write_text("".join(json.dumps(r) + "\n" for r in labelled[1] if r[HEAD] == 1), encoding="utf-8")
    out = tmp_path / "a.sieve"
    with pytest.raises(ValueError, match="^positives: a campaign model needs labelled posts of both classes$"):
        sieve.adapt(base, str(positives), str(out), HEAD)
    assert not out.exists()


def test_an_error_of_the_progress_callable_stops_the_adaptation(base, labelled, tmp_path):
    def fail(line):
        raise RuntimeError("stop: " + line)

    out = tmp_path / "a.sieve"
    with pytest.raises(RuntimeError, match="^stop: "):
        sieve.adapt(base, labelled[0], str(out), HEAD, name="stopped", progress=fail)
    assert not out.exists()


def test_adapting_releases_the_gil(base, labelled, tmp_path, python_runs_during):
    seconds, steps_inside = python_runs_during(
        lambda: sieve.adapt(base, labelled[0], str(tmp_path / "a.sieve"), HEAD))
    assert seconds > 0.05 and steps_inside > 1000
