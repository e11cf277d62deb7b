"""Export a trained run to the shipped model: `python -m training.ship.export --run runs/<name> --out models`.

Writes `model.onnx` (opset 17, input `image` float32 [N, 1, 32, 32]; outputs `scores` float32 [N, C] softmax
probabilities and `embedding` float32 [N, D] L2-normalised penultimate features; dynamic batch) and
`model.json` (contracts.md section 3). Nothing is written unless:

- parity holds: on a fixed batch of real samples, onnxruntime's scores and embeddings equal PyTorch's (max abs
  diff <= 1e-4), every top-5 list is identical and every embedding has unit length;
- the label count equals the output width, and the training set was rendered with today's renderer;
- the file is small enough to ship, and carries no local paths (doc strings and metadata are stripped,
  nodes renamed).

With the training set's `heldout/` folder present, the exported file is also evaluated there through
`training.measure.evaluate` (onnxruntime, the server's path) and the figures go into `model.json` `metrics`.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

OPSET = 17
OUTPUTS = ("scores", "embedding")
PARITY_TOLERANCE = 1e-4
PARITY_SAMPLES = 256
SHIPPED_PLOTS = ("training_curves.png", "confused_pairs.png", "hardest_samples.png")


class ExportError(RuntimeError):
    """The export did not produce a model that can be shipped; the message says which check failed."""


# The model file the server and the browser load whole (the extension bundles it): what ships stays under this.
SHIPPED_MAX_MEGABYTES = 5.0


@dataclass
class ExportConfig:
    run: str = ""  # run folder with best.pt (empty: the newest run under runs/)
    out: str = "models"  # where model.onnx + model.json go (the server reads models/)
    data: str = ""  # training set for the parity batch and held-out files (empty: the run's own --data)
    catalogue: str = "models/symbols.json"  # label mapping for the held-out evaluation
    # The float file, which `training.ship.quantize` makes about 4x smaller: a 4,807-class resnet_small is 6.4 MB
    # in float and 2.3 MB in int8. What ships must stay under `SHIPPED_MAX_MEGABYTES`; quantize checks that.
    max_megabytes: float = 4 * SHIPPED_MAX_MEGABYTES
    # The usage prior (backend/usage_prior.py, models/usage.json) goes into the graph: every consumer ranks with it.
    usage_prior: bool = True
    usage: str = "models/usage.json"  # how often each command is used (python -m training.catalogue --usage)
    # A transfer.json (`make eval-transfer`) measured with the same data and training code: copied into
    # model.json metrics, so the shipped model says how well its synthetic-only classes are likely to do.
    transfer: str = ""
    plots: bool = True  # copy the run's PNG plots next to the model


def newest_run(runs_dir: Path = Path("runs")) -> Path:
    candidates = sorted(runs_dir.glob("*/best.pt"), key=lambda path: path.stat().st_mtime)
    if not candidates:
        raise ExportError(f"no trained run under {runs_dir}/ (train one: python -m training.learn.train)")
    return candidates[-1].parent


def load_checkpoint(run_dir: Path) -> tuple[Any, dict[str, Any]]:
    """The run's best model in eval mode on the CPU, and the checkpoint's bookkeeping."""
    import torch

    from training.learn.checkpoint import load_best

    path = run_dir / "best.pt"
    if not path.is_file():
        raise ExportError(f"{path} not found: the run has no checkpoint")
    model, state = load_best(run_dir, torch.device("cpu"))
    model.eval()
    return model, state


def served_model(model: Any, log_prior: np.ndarray | None = None) -> Any:
    """The network as the server runs it: `image -> (scores, embedding)`.

    - `scores`: softmax probabilities, so scores are comparable across requests. A usage prior (log weights per
      class, `training.usage_prior`) is added to the logits here, inside the graph, so that every consumer of the
      ONNX file (server, offline extension, evaluation) ranks with the same prior and nobody can forget it.
    - `embedding`: the classifier's input (penultimate features), L2-normalised, so that a browser can compare a
      new drawing with a user's own examples by a dot product (personal examples, contracts section 3).

    Every registered model is a `Sequential` that ends in one `Linear` classifier; that is what is split here.
    """
    import torch

    layers = list(model.children())
    if not layers or not isinstance(layers[-1], torch.nn.Linear):
        raise ExportError(f"{type(model).__name__} does not end in a Linear classifier: no embedding to export")
    prior = torch.zeros(layers[-1].out_features) if log_prior is None else torch.as_tensor(log_prior).float()
    if prior.shape != (layers[-1].out_features,):
        raise ExportError(f"the log-prior has {tuple(prior.shape)} entries for {layers[-1].out_features} classes")

    class Served(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.features = torch.nn.Sequential(*layers[:-1])
            self.classifier = layers[-1]
            self.register_buffer("log_prior", prior)

        def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            features = self.features(image)
            scores = torch.softmax(self.classifier(features) + self.log_prior, dim=1)
            return scores, torch.nn.functional.normalize(features, dim=1)

    return Served().eval()


def export_onnx(served: Any, path: Path) -> None:
    """Trace the served model to ONNX and strip everything that could leak where it was built."""
    import onnx
    import torch

    example = torch.zeros(1, 1, 32, 32)
    with torch.no_grad(), warnings.catch_warnings():
        # The TorchScript exporter is deprecated but exact for these plain CNNs; its warnings are noise here.
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(
            served,
            (example,),
            str(path),
            input_names=["image"],
            output_names=list(OUTPUTS),
            dynamic_axes={"image": {0: "batch"}, **{name: {0: "batch"} for name in OUTPUTS}},
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
    proto = onnx.load(str(path))
    proto.doc_string = ""
    proto.graph.doc_string = ""
    del proto.metadata_props[:]
    proto.graph.name = "texsketch"
    for index, node in enumerate(proto.graph.node):
        node.doc_string = ""
        node.name = f"{node.op_type.lower()}_{index}"  # exporter names carry module paths
    onnx.checker.check_model(proto, full_check=True)
    onnx.save(proto, str(path))


def check_parity(served: Any, onnx_path: Path, counts: np.ndarray, labels: list[str]) -> dict[str, Any]:
    """onnxruntime vs PyTorch on the same batch, for both outputs: max abs diff <= tolerance, identical top-5,
    width = labels, unit-length embeddings."""
    import onnxruntime as ort
    import torch

    from backend.render import counts_to_input
    from training.learn.metrics import top_k

    x = counts_to_input(counts)[:, None, :, :]
    with torch.no_grad():
        expected, expected_embedding = (t.numpy() for t in served(torch.from_numpy(x)))
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    inputs, outputs = session.get_inputs(), session.get_outputs()
    if [i.name for i in inputs] != ["image"] or tuple(o.name for o in outputs) != OUTPUTS:
        raise ExportError(
            f"ONNX I/O is {[i.name for i in inputs]} -> {[o.name for o in outputs]}, not image -> {list(OUTPUTS)}"
        )
    actual, embedding = session.run(list(OUTPUTS), {"image": x})
    if actual.shape != (len(counts), len(labels)):
        raise ExportError(
            f"ONNX output shape {actual.shape} does not match {len(counts)} samples x {len(labels)} labels"
        )
    difference = float(np.abs(actual - expected).max())
    if difference > PARITY_TOLERANCE:
        raise ExportError(f"parity failed: max abs diff {difference:.2e} between onnxruntime and PyTorch scores")
    embedding_difference = float(np.abs(embedding - expected_embedding).max())
    if embedding_difference > PARITY_TOLERANCE:
        raise ExportError(
            f"parity failed: max abs diff {embedding_difference:.2e} between onnxruntime and PyTorch embeddings"
        )
    lengths = np.linalg.norm(embedding, axis=1)
    if np.abs(lengths - 1).max() > 1e-4:
        raise ExportError(f"embeddings are not unit length (norms {lengths.min():.4f}..{lengths.max():.4f})")
    mismatched = int((top_k(actual, 5) != top_k(expected, 5)).any(axis=1).sum())
    if mismatched:
        raise ExportError(f"parity failed: {mismatched} of {len(counts)} samples have different top-5 lists")
    return {
        "samples": len(counts),
        "max_abs_diff": difference,
        "embedding_max_abs_diff": embedding_difference,
        "top5_identical": True,
        "tolerance": PARITY_TOLERANCE,
    }


def _check_catalogue(labels: list[str], catalogue_path: Path) -> None:
    """The server refuses labels that are not glyph representatives of its catalogue: refuse them here first."""
    if not catalogue_path.is_file():
        return
    from training.data.labels import Catalogue

    catalogue = Catalogue.load(catalogue_path)
    glyphs = set(catalogue.glyph_classes())
    stray = [label for label in labels if label not in glyphs]
    if stray:
        raise ExportError(
            f"{len(stray)} labels are not glyph classes of {catalogue_path} (first: {stray[:3]}): "
            "the training set was built with another catalogue; rebuild it (make data) and retrain"
        )
    missing = len(glyphs - set(labels))
    if missing:
        print(f"warning: {missing} glyph classes of {catalogue_path} are not outputs of this model")


def usage_log_prior(labels: list[str], config: ExportConfig) -> tuple[np.ndarray | None, dict[str, Any] | None]:
    """The per-label log-prior the export adds to the logits, and what model.json says about it (None: off)."""
    if not config.usage_prior:
        return None, None
    from backend.catalogue import load_catalogue
    from backend.usage_prior import PriorConfig, UsageError, load_usage, log_prior

    try:
        usage = load_usage(config.usage)
    except UsageError as error:
        raise ExportError(f"{error}; or export with --no-usage-prior") from None
    prior_config = PriorConfig()
    prior = log_prior(labels, load_catalogue(config.catalogue), usage, prior_config)
    return prior, {"strength": prior_config.strength, "smoothing": prior_config.smoothing, "corpus": usage.corpus}


def transfer_summary(path: Path) -> dict[str, Any]:
    """The headline figures of a transfer run (training/measure/transfer.py), without per-class rows or local paths."""
    result = json.loads(path.read_text())

    def brief(part: dict[str, Any]) -> dict[str, Any]:
        return {key: part[key] for key in ("n", "top1", "top5")}

    summary: dict[str, Any] = {
        "withheld_classes": len(result["withheld"]),
        "run": path.parent.name,
        "epochs": result["config"]["epochs"],
        "synthetic_only": brief(result["transfer"]["synthetic_only"]),
        "other_crohme": brief(result["transfer"]["with_real_data"]),
    }
    if "transfer_without_prior" in result:
        summary["synthetic_only_without_prior"] = brief(result["transfer_without_prior"]["synthetic_only"])
    if "reference" in result:
        summary["reference"] = {"model": result["reference"]["model"], **brief(result["reference"]["synthetic_only"])}
    return summary


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _public_config(config: dict[str, Any]) -> dict[str, Any]:
    """The training config without local paths (folder names only)."""
    cleaned = dict(config)
    for key in ("data", "runs_dir"):
        if cleaned.get(key):
            cleaned[key] = Path(cleaned[key]).name
    return cleaned


def export(config: ExportConfig) -> dict[str, Any]:
    """Export, verify, then install into `config.out`; returns the written model.json content."""
    from backend import render
    from training.learn import models, trainset
    from training.ship.heldout import heldout_metrics

    run_dir = Path(config.run) if config.run else newest_run()
    model, state = load_checkpoint(run_dir)
    labels: list[str] = list(state["classes"])
    data_folder = Path(config.data or state["config"]["data"])
    snapshot = run_dir / "data.json"
    if config.data or not snapshot.is_file():
        # No snapshot from training (or another data folder asked for): the training set must still match.
        data = trainset.load(data_folder)
        if data.classes != labels:
            raise ExportError(f"{run_dir} was trained on other classes than {data_folder} holds")
        description = data.describe()
        try:
            parity_images = trainset.fixed_real_batch(data)
        except ValueError as error:
            raise ExportError(str(error)) from None
    else:
        # What training saved about its data: exports stay possible after the data folder was rebuilt.
        description = json.loads(snapshot.read_text())
        parity_images = np.load(run_dir / "parity_images.npy")
    if description.get("render") != render.parameters():
        raise ExportError(
            f"the training set was rendered with {description.get('render')}, the renderer now is "
            f"{render.parameters()}: rebuild the data and retrain"
        )
    _check_catalogue(labels, Path(config.catalogue))
    summary_path = run_dir / "summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.is_file() else {}

    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=".export-") as staging_name:
        staging = Path(staging_name)
        onnx_path = staging / "model.onnx"
        prior, prior_card = usage_log_prior(labels, config)
        served = served_model(model, prior)
        export_onnx(served, onnx_path)
        megabytes = onnx_path.stat().st_size / 1e6
        if megabytes > config.max_megabytes:
            raise ExportError(f"model.onnx is {megabytes:.1f} MB, over the {config.max_megabytes} MB limit")
        if str(Path.cwd().resolve()).encode() in onnx_path.read_bytes():
            raise ExportError("model.onnx still contains a local path")
        parity = check_parity(served, onnx_path, parity_images, labels)
        sha256 = _sha256(onnx_path)
        card: dict[str, Any] = {
            "format": 1,
            "version": f"{datetime.datetime.now(datetime.UTC):%Y.%m.%d}-{state['model_name']}-{sha256[:8]}",
            "onnx": "model.onnx",
            "sha256": sha256,
            "labels": labels,
            "render": render.parameters(),
            "input": "image",
            "output": "scores",
            "embedding_output": "embedding",
            "embedding_size": int(served.classifier.in_features),
            "usage_prior": prior_card,
            "opset": OPSET,
            "training": {
                "model": state["model_name"],
                "parameters": models.count_parameters(model),
                "flops": models.count_flops(model),
                "config": _public_config(state["config"]),
                "best_epoch": state["epoch"] + 1,
                "epochs_run": summary.get("epochs_run"),
                "train_seconds": summary.get("train_seconds"),
                "images_per_s": summary.get("images_per_s"),
                "batch_size": summary.get("batch_size"),
                "precision": summary.get("precision"),
                "hardware": summary.get("hardware"),
                # The model it started from (training.learn.warm_start), when it did not start from random weights.
                "warm_start": _read_json(run_dir / "warm_start.json"),
                # A classifier refitted on the source's features (training.learn.head_fit): the new classes' offset.
                "head_fit": _read_json(run_dir / "head_fit.json"),
            },
            "data": description,
            "metrics": {
                "validation": _brief(summary.get("validation")),
                "test": _brief(summary.get("test")),
                "parity": parity,
            },
        }
        (staging / "model.json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n")
        card["metrics"]["heldout"] = heldout_metrics(staging, data_folder / "heldout", Path(config.catalogue))
        if config.transfer:
            card["metrics"]["transfer"] = transfer_summary(Path(config.transfer))
        (staging / "model.json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n")
        # Install: the ONNX file first, so model.json never names a checksum that is not on disk.
        shutil.move(str(onnx_path), out / "model.onnx")
        shutil.move(str(staging / "model.json"), out / "model.json")
    if config.plots:
        for name in SHIPPED_PLOTS:
            if (run_dir / name).is_file():
                shutil.copyfile(run_dir / name, out / name)
    return card


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text()) if path.is_file() else None


def _brief(split: dict[str, Any] | None) -> dict[str, Any] | None:
    """n/top1/top5 (and per source) of a split from summary.json, without the loss."""
    if not split:
        return None
    brief = {key: split.get(key) for key in ("n", "top1", "top5")}
    if split.get("by_source"):
        brief["by_source"] = split["by_source"]
    return brief


def _parse_args(argv: list[str] | None) -> ExportConfig:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = ExportConfig()
    parser.add_argument("--run", default=defaults.run, help="run folder (default: newest under runs/)")
    parser.add_argument("--out", default=defaults.out, help="output folder (default: models)")
    parser.add_argument("--data", default=defaults.data, help="training set folder (default: the run's)")
    parser.add_argument("--catalogue", default=defaults.catalogue)
    parser.add_argument("--max-megabytes", type=float, default=defaults.max_megabytes)
    parser.add_argument("--plots", action=argparse.BooleanOptionalAction, default=defaults.plots)
    parser.add_argument("--usage-prior", action=argparse.BooleanOptionalAction, default=defaults.usage_prior)
    parser.add_argument("--usage", default=defaults.usage, help="usage counts (default models/usage.json)")
    parser.add_argument("--transfer", default=defaults.transfer, help="a transfer.json to report in model.json")
    return ExportConfig(**vars(parser.parse_args(argv)))


def main(argv: list[str] | None = None) -> None:
    config = _parse_args(argv)
    try:
        card = export(config)
    except ExportError as error:
        raise SystemExit(f"export failed: {error}") from None
    out = Path(config.out)
    parity = card["metrics"]["parity"]
    print(
        f"exported {out / 'model.onnx'} ({(out / 'model.onnx').stat().st_size / 1e6:.2f} MB, "
        f"{len(card['labels'])} classes, sha256 {card['sha256'][:12]}) and {out / 'model.json'}"
    )
    print(f"parity: {parity['samples']} real samples, max abs diff {parity['max_abs_diff']:.1e}, top-5 identical")
    for source, row in card["metrics"].get("heldout", {}).items():
        if row.get("n"):
            print(f"held-out {source}: top-1 {100 * row['top1']:.2f}%, top-5 {100 * row['top5']:.2f}%, n={row['n']}")


if __name__ == "__main__":
    main()
