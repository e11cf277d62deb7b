"""int8 version of an exported model, shipped only when it is proven as good: `python -m training.ship.quantize`.

The float model spends most of its 0.6 ms in convolutions; onnxruntime's int8 kernels run them about twice as
fast on one core. Static quantization (QDQ format, weights int8 per channel, activations uint8 calibrated on
real and synthetic *training* drawings, never test ones) keeps the graph's inputs and outputs as they are, so
the server, the extension and the evaluation read it like the float file. Softmax and the embedding's
normalisation stay in float.

The int8 file replaces `model.onnx` only if, on the held-out files of the training set, its top-1 and top-5
are within `max_top1_drop` / `max_top5_drop` of the float model's on every source (or one drawing, on a source
so small that one drawing is more), and on a fixed batch of real
drawings its top-1 answers agree with the float model's in at least `min_top1_agreement` of cases. The float
file is kept beside it (`model.float.onnx`) and `model.json` records both evaluations under `quantization`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from training.ship.classifier_weights import classifier_node, store_classifier_int8


class QuantizeError(RuntimeError):
    """The int8 model is not good enough to ship (the message says which check failed); nothing was changed."""


@dataclass
class QuantizeConfig:
    model: str = "models"  # folder with the exported float model.onnx + model.json; replaced in place on success
    data: str = "data-cache/dataset"  # training set: calibration drawings (train split) and held-out files
    catalogue: str = "models/symbols.json"  # maps the held-out files' labels to the model's classes
    calibration_samples: int = 2000  # enough for stable activation ranges; calibration runs once, in seconds
    # Activation ranges from this percentile of each tensor's values, not min/max. With min/max a few outlier
    # activations set a coarse scale, many values then sit near a rounding boundary, and the fused int8 kernels of
    # onnxruntime (server, VNNI) and onnxruntime-web (browser, wasm) round them differently: the 27 Nov 90-minute
    # model's scores differed by up to 0.026 between server and browser (first answer on 0.1 % of drawings). At
    # 99.999 the two agree to 4e-6 and held-out accuracy equals the float model's (CROHME 91.74 vs 91.68 top-1).
    calibration_percentile: float = 99.999
    # Weights on 7 bits ([-64, 64]), activations on 8. onnxruntime's fused u8 x s8 kernels on an x86 CPU without
    # VNNI (AVX2, AVX-512 alone) add each pair of products in 16 bits with saturation (vpmaddubsw): with 8-bit
    # weights the shipped model's fused scores were up to 0.36 off the graph's own numbers (AVX2-only AMD EPYC,
    # 6 Dec), so the server had to run it unfused, slower than the float model. 255 x 64 x 2 = 32,640 fits 16 bits:
    # nothing saturates on any x86 CPU and the fused kernels keep their speed. The model re-quantized so agrees with
    # onnxruntime-web within 9e-4 on 7,203 held-out CROHME drawings (server fused, this CPU; README, 6 Dec).
    reduce_range: bool = True
    max_top1_drop: float = 0.003  # int8 may lose at most 0.3 points of held-out top-1 on any source ...
    max_top5_drop: float = 0.002  # ... and 0.2 points of top-5
    # ... or this many drawings, where that is more: on the 92 contributed drawings one drawing is 1.1 points, so
    # the point limits alone would demand that not one answer changes there, finer than such a set can resolve.
    max_drawings_lost: int = 1
    min_top1_agreement: float = 0.98  # share of real drawings where int8 and float give the same first answer
    seed: int = 0
    # A refusal is an answer, not a failure: exit 0 and ship the float model (for make train-export). Crashes
    # still fail.
    refusal_ok: bool = False
    # The float classifier's weight matrix stored as int8 rows with float scales, dequantized in the graph
    # (training.ship.classifier_weights): with 4,807 classes it is 3.7 of the file's 4.4 MB, read by the extension
    # before its first answer. The Gemm stays float, so scores do not tie; the gates below judge the result.
    classifier_int8: bool = True


def calibration_images(data_folder: Path, count: int, seed: int) -> npt.NDArray[np.float32]:
    """Model inputs [count, 1, 32, 32] from the training split only, real and synthetic in their natural mix."""
    from backend.render import counts_to_input
    from training.learn import trainset

    data = trainset.load(data_folder)
    train = data.indices(trainset.TRAIN)
    chosen = np.random.default_rng(seed).choice(train, size=min(count, len(train)), replace=False)
    return counts_to_input(data.images[np.sort(chosen)])[:, None, :, :]


def quantize_file(
    float_path: Path, int8_path: Path, images: npt.NDArray[np.float32], percentile: float, reduce_range: bool = True
) -> None:
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    # onnxruntime's histogram calibrator stacks its batches, so they must all be one size: a remainder is dropped.
    batch = min(50, len(images))
    usable = len(images) - len(images) % batch

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self._batches = iter([{"image": images[i : i + batch]} for i in range(0, usable, batch)])

        def get_next(self) -> dict[str, np.ndarray] | None:
            return next(self._batches, None)

    with tempfile.TemporaryDirectory() as folder:
        prepared = Path(folder) / "prepared.onnx"
        quant_pre_process(str(float_path), str(prepared), skip_symbolic_shape=True)
        quantize_static(
            str(prepared),
            str(int8_path),
            Reader(),
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            weight_type=QuantType.QInt8,
            activation_type=QuantType.QUInt8,
            reduce_range=reduce_range,  # 7-bit weights: QuantizeConfig.reduce_range says why
            # The convolutions (nearly all the arithmetic) and what sits between them. The classifier stays float:
            # an int8 output would put hundreds of classes on a few dozen score levels, and exact ties would make
            # the ranking depend on tie-breaking; it is 0.2 M of the model's 25 M multiply-adds.
            op_types_to_quantize=["Conv", "Add", "MaxPool", "GlobalAveragePool", "Relu"],
            # The usage prior's Add reads the classifier's output: quantized, it put the logits on 256 levels
            # (4,807 classes since the grown catalogue), and a conv kernel's rounding could move a logit across a
            # level, a jump of 0.002 in a score between onnxruntime's optimisation levels.
            nodes_to_exclude=after_classifier(prepared),
            calibrate_method=CalibrationMethod.Percentile,
            extra_options={"CalibPercentile": percentile},
        )


def after_classifier(path: Path) -> list[str]:
    """The nodes that read the classifier's output (the usage prior's Add): they stay float."""
    import onnx

    graph = onnx.load(str(path)).graph
    classifier = classifier_node(graph)
    if classifier is None:
        return []
    return [node.name for node in graph.node if classifier.output[0] in node.input and node.op_type == "Add"]


def heldout_report(model_dir: Path, data_folder: Path, catalogue: Path) -> dict[str, Any]:
    from training.ship.heldout import heldout_metrics

    return heldout_metrics(model_dir, data_folder / "heldout", catalogue)


def top1_agreement(float_dir: Path, int8_dir: Path, data_folder: Path) -> float:
    from training.learn import trainset
    from training.ship.onnx_scorer import OnnxScorer

    batch = trainset.fixed_real_batch(trainset.load(data_folder), count=1024)
    float_top = OnnxScorer(float_dir).scores(batch).argmax(axis=1)
    int8_top = OnnxScorer(int8_dir).scores(batch).argmax(axis=1)
    return float((float_top == int8_top).mean())


def allowed_drop(points: float, n: int, drawings: int) -> float:
    """The share of held-out accuracy int8 may lose on a source of `n` drawings: `points`, or `drawings` of them."""
    return max(points, drawings / n) if n else points


def quantize(config: QuantizeConfig) -> dict[str, Any]:
    model_dir, data_folder = Path(config.model), Path(config.data)
    card = json.loads((model_dir / "model.json").read_text())
    if card.get("quantization"):
        raise QuantizeError(f"{model_dir} already holds a quantized model ({card['quantization']['kind']})")
    catalogue = Path(config.catalogue)
    with tempfile.TemporaryDirectory(dir=model_dir, prefix=".quantize-") as staging_name:
        staging = Path(staging_name)
        shutil.copyfile(model_dir / "model.json", staging / "model.json")
        images = calibration_images(data_folder, config.calibration_samples, config.seed)
        quantize_file(
            model_dir / card["onnx"], staging / card["onnx"], images, config.calibration_percentile, config.reduce_range
        )
        classifier = None
        if config.classifier_int8:
            classifier = store_classifier_int8(staging / card["onnx"], seven_bits=config.reduce_range)
        float_report = heldout_report(model_dir, data_folder, catalogue)
        int8_report = heldout_report(staging, data_folder, catalogue)
        agreement = top1_agreement(model_dir, staging, data_folder)
        for source, float_row in float_report.items():
            int8_row = int8_report.get(source, {})
            if not float_row.get("n"):
                continue
            for key, points in (("top1", config.max_top1_drop), ("top5", config.max_top5_drop)):
                limit = allowed_drop(points, float_row["n"], config.max_drawings_lost)
                # + 1e-12: exactly one drawing lost must not fail on the rounding of two shares of n.
                if float_row[key] - int8_row.get(key, 0.0) > limit + 1e-12:
                    raise QuantizeError(
                        f"int8 {key} on held-out {source} is {100 * int8_row.get(key, 0):.2f}% against float "
                        f"{100 * float_row[key]:.2f}%: more than {100 * limit:.1f} points lost; float model kept"
                    )
        if agreement < config.min_top1_agreement:
            raise QuantizeError(f"int8 and float agree on {100 * agreement:.1f}% of first answers; float kept")
        int8_bytes = (staging / card["onnx"]).read_bytes()
        card["sha256"] = hashlib.sha256(int8_bytes).hexdigest()
        card["version"] = f"{card['version'].rsplit('-', 1)[0]}-int8-{card['sha256'][:8]}"
        card["quantization"] = {
            "kind": f"int8 static, QDQ, per-channel {7 if config.reduce_range else 8}-bit weights, "
            "percentile-calibrated activations"
            + (", classifier weights int8 per class row (float arithmetic)" if classifier else ""),
            "classifier_int8": asdict(classifier) if classifier else None,
            "config": asdict(config) | {key: Path(getattr(config, key)).name for key in ("model", "data", "catalogue")},
            "heldout_float": float_report,
            "heldout_int8": int8_report,
            "top1_agreement": agreement,
            "float_model": "model.float.onnx",
        }
        card["metrics"]["heldout"] = int8_report
        # Install: the float file stays beside, then the int8 file, then the card naming its checksum.
        shutil.copyfile(model_dir / card["onnx"], model_dir / "model.float.onnx")
        shutil.move(str(staging / card["onnx"]), model_dir / card["onnx"])
        (model_dir / "model.json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n")
    return card["quantization"]


def too_big_to_ship(model_dir: Path) -> bool:
    """Whether the model the folder holds now is over the shipped size (a float model kept after a refusal)."""
    from training.ship.export import SHIPPED_MAX_MEGABYTES

    card = json.loads((model_dir / "model.json").read_text())
    return (model_dir / card["onnx"]).stat().st_size / 1e6 > SHIPPED_MAX_MEGABYTES


def _parse_args(argv: list[str] | None) -> QuantizeConfig:
    defaults = QuantizeConfig()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=defaults.model)
    parser.add_argument("--data", default=defaults.data)
    parser.add_argument("--catalogue", default=defaults.catalogue)
    parser.add_argument("--calibration-samples", type=int, default=defaults.calibration_samples)
    parser.add_argument("--max-top1-drop", type=float, default=defaults.max_top1_drop)
    parser.add_argument("--max-top5-drop", type=float, default=defaults.max_top5_drop)
    parser.add_argument("--max-drawings-lost", type=int, default=defaults.max_drawings_lost)
    parser.add_argument("--min-top1-agreement", type=float, default=defaults.min_top1_agreement)
    parser.add_argument(
        "--reduce-range", action=argparse.BooleanOptionalAction, default=defaults.reduce_range, help="7-bit weights"
    )
    parser.add_argument("--refusal-ok", action="store_true", help="exit 0 when the int8 model is refused")
    parser.add_argument(
        "--classifier-int8",
        action=argparse.BooleanOptionalAction,
        default=defaults.classifier_int8,
        help="store the classifier's weights as int8 rows (float arithmetic)",
    )
    return QuantizeConfig(**vars(parser.parse_args(argv)))


def main(argv: list[str] | None = None) -> None:
    config = _parse_args(argv)
    try:
        result = quantize(config)
    except QuantizeError as error:
        oversize = too_big_to_ship(Path(config.model))
        if config.refusal_ok and not oversize:
            print(f"quantization refused: {error}")
            return
        verdict = "is over the shipped size and cannot ship: restore the previous one" if oversize else "can ship"
        raise SystemExit(f"quantization refused: {error}; the float model in {config.model}/ {verdict}") from None
    print(f"int8 model installed in {config.model}/ (float kept as model.float.onnx); "
          f"top-1 agreement {100 * result['top1_agreement']:.2f}%")  # fmt: skip
    for source, row in result["heldout_int8"].items():
        before = result["heldout_float"].get(source, {})
        if row.get("n"):
            print(f"held-out {source}: float top-1 {100 * before['top1']:.2f}% top-5 {100 * before['top5']:.2f}%, "
                  f"int8 top-1 {100 * row['top1']:.2f}% top-5 {100 * row['top5']:.2f}% (n={row['n']})")  # fmt: skip


if __name__ == "__main__":
    main()
