"""Evaluation of an exported model on JSONL drawings: the onnxruntime path agrees with training's own
test figures, --json ends with the summary line, and unusable records are counted, not hidden."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from training.measure import evaluate
from training.ship import heldout
from training.ship.export import ExportConfig, export
from training.ship.onnx_scorer import OnnxScorer


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory, run_dir: Path, dataset: Path) -> Path:
    out = tmp_path_factory.mktemp("eval-models")
    # Without the usage prior: these tests compare onnxruntime's scoring with the training run's own (prior-free).
    config = ExportConfig(
        run=str(run_dir), out=str(out), catalogue=str(dataset / "symbols.json"), plots=False, usage_prior=False
    )
    export(config)
    return out


@pytest.mark.slow
def test_evaluate_agrees_with_the_training_test_split(model_dir: Path, run_dir: Path, dataset: Path) -> None:
    result = evaluate.main(
        [
            "--model",
            str(model_dir),
            "--data",
            str(dataset / "heldout" / "crohme.jsonl"),
            "--catalogue",
            str(dataset / "symbols.json"),
        ]
    )
    assert result["n"] == 48
    assert result["by_source"]["crohme"]["n"] == 48
    assert set(result["by_class"]) == set(json.loads((model_dir / "model.json").read_text())["labels"])
    # Every tiny class has real training drawings: all 48 are scored as classes with real data.
    by_data = result["by_training_data"]
    assert by_data["with real data"]["n"] == 48 and "synthetic only" not in by_data
    # Same drawings, rendered from strokes and scored by onnxruntime vs stored arrays scored by PyTorch.
    run_summary = json.loads((run_dir / "summary.json").read_text())
    assert result["top1"] == pytest.approx(run_summary["test"]["top1"])
    assert result["top5"] == pytest.approx(run_summary["test"]["top5"])


@pytest.mark.slow
def test_evaluate_json_is_the_last_line(model_dir: Path, dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    evaluate.main(
        [
            "--model",
            str(model_dir),
            "--data",
            str(dataset / "heldout" / "crohme.jsonl"),
            "--catalogue",
            str(dataset / "symbols.json"),
            "--json",
        ]
    )
    last = capsys.readouterr().out.strip().splitlines()[-1]
    summary = json.loads(last)
    assert {"n", "top1", "top5"} <= set(summary)
    assert summary["n"] == 48 and 0 <= summary["top1"] <= summary["top5"] <= 1


@pytest.mark.slow
def test_evaluate_counts_records_it_cannot_score(model_dir: Path, dataset: Path, tmp_path: Path) -> None:
    path = tmp_path / "crohme.jsonl"
    lines = [
        {"label": "+", "strokes": [[[0, 5], [10, 5]], [[5, 0], [5, 10]]]},
        {"label": "\\alpha", "strokes": [[[0, 0], [5, 5]]]},  # not in the fixture catalogue
        {"label": "+", "strokes": []},  # empty drawing
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    result = evaluate.main(
        ["--model", str(model_dir), "--data", str(path), "--catalogue", str(dataset / "symbols.json")]
    )
    assert result["n"] == 1
    assert result["skipped"]["label maps to no catalogue symbol"] == 1
    assert sum(count for reason, count in result["skipped"].items() if reason.startswith("rejected")) == 1


def test_source_of_reads_the_file_name() -> None:
    assert heldout.source_of(Path("data-cache/dataset/heldout/detypify.jsonl.gz")) == "detypify"
    assert heldout.source_of(Path("../shared/data/crohme2014-isolated/samples.jsonl.gz")) == "crohme"
    assert heldout.source_of(Path("anything.jsonl"), "feedback") == "feedback"
    with pytest.raises(ValueError, match="--source"):
        heldout.source_of(Path("/tmp/samples.jsonl"))


def test_onnx_scorer_without_model_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="training.ship.export"):
        OnnxScorer(tmp_path)


def test_family_of_sorts_catalogue_ids_into_families() -> None:
    from training.learn.metrics import family_of

    assert family_of("latex2e-OT1-7") == "digit"
    assert family_of("latex2e-OT1-Q") == "letter"
    assert family_of("latex2e-OT1-_Omega") == "greek"
    assert family_of("upgreek-OT1-_upalpha") == "greek"
    assert family_of("amssymb-OT1-_leftrightarrows") == "arrow"
    assert family_of("latex2e-OT1-_leq") == "relation"
    assert family_of("latex2e-OT1-+") == "operator"
    assert family_of("amssymb-OT1-_mathbb{R}") == "other"


def test_ranks_by_glyph_show_each_group_once_at_its_best_output() -> None:
    import numpy as np

    groups, group_of = heldout.glyph_columns(["a", "b", "a", "c"])
    assert groups == ["a", "b", "c"] and group_of.tolist() == [0, 1, 0, 2]
    scores = np.array(
        [
            [0.1, 0.3, 0.4, 0.2],  # a (its second output) first, then b, then c: a's first output is not a place
            [0.25, 0.25, 0.25, 0.25],  # all equal: output order decides, a b (a again) c
            [0.5, 0.1, 0.3, 0.1],  # a twice at the top: b and c (equal) follow in output order
        ],
        dtype=np.float32,
    )
    ranks, first = heldout.ranks_by_glyph(scores, group_of, np.array([1, 2, 2]), k=5)
    assert ranks.tolist() == [1, 2, 2] and first.tolist() == [0, 0, 0]
    ranks, _ = heldout.ranks_by_glyph(scores, group_of, np.array([2, 1, 2]), k=2)
    assert ranks.tolist() == [2, 1, 2]  # c is third in the first row: not among k = 2


def test_ranks_by_glyph_with_one_output_per_group_is_the_plain_ranking() -> None:
    import numpy as np

    from training.learn import metrics

    scores = np.random.default_rng(0).random((20, 9)).astype(np.float32)
    truth = np.arange(20) % 9
    _, group_of = heldout.glyph_columns([f"g{i}" for i in range(9)])
    ranks, first = heldout.ranks_by_glyph(scores, group_of, truth)
    assert ranks.tolist() == metrics.hits(scores, truth).tolist()
    assert first.tolist() == scores.argmax(axis=1).tolist()


@pytest.mark.slow
def test_evaluate_after_a_lookalike_merge_counts_either_output_of_the_group(
    model_dir: Path, dataset: Path, tmp_path: Path
) -> None:
    # As if `<` and `>` had become one glyph group after the model was trained: the model still has an output for
    # each, and a drawing of `>` answered by the `>` output is right (the server shows the group there).
    from training.data.labels import Catalogue, LabelMap

    catalogue = json.loads((dataset / "symbols.json").read_text())
    for symbol in catalogue["symbols"]:
        if symbol["id"] == "latex2e-OT1->":
            symbol["glyph"] = "latex2e-OT1-<"
    merged_path = tmp_path / "symbols.json"
    merged_path.write_text(json.dumps(catalogue))
    scorer = OnnxScorer(model_dir)
    files = [dataset / "heldout" / "crohme.jsonl"]
    separate = heldout.accuracy_report(
        scorer,
        heldout.load_samples(files, LabelMap(Catalogue.load(dataset / "symbols.json")), scorer.labels, progress=False),
    )
    merged_samples = heldout.load_samples(files, LabelMap(Catalogue.load(merged_path)), scorer.labels, progress=False)
    merged = heldout.accuracy_report(scorer, merged_samples)
    assert merged["n"] == separate["n"]
    assert "latex2e-OT1->" not in merged["by_class"]
    assert merged["by_class"]["latex2e-OT1-<"]["n"] == 2 * separate["by_class"]["latex2e-OT1-<"]["n"]
    assert merged["top1"] >= separate["top1"] >= 0.8
