"""The transfer measure: how well synthetic samples alone teach a class, `python -m training.measure.transfer`
(`make eval-transfer`).

639 of the catalogue's classes have no real handwriting, so their accuracy on real drawings cannot be measured
directly. This stands in for them: a fixed, documented set of CROHME classes shaped like the rare ones (Greek
letters, the arrow, big operators, relations, brackets; `WITHHELD_CROHME_LABELS`) loses its real *training and
validation* drawings, so those classes learn from synthetic samples only, exactly like a class without real data.
Their real drawings by held-out writers (the fixed test split) then say how well the synthetic data transfers.

Steps: derive the training set without those drawings (`data-cache/transfer/`, same arrays, same test split; derived
rows planned again from the real training rows left, so the withheld classes get them from other classes' drawings),
train for a fixed wall-clock budget, score the test split with every class competing, write `transfer.json`
into the run folder and print the table. Beside it, the same drawings scored by a reference model trained
with their real drawings: the shipped model by default (`--reference models`), or a control run trained on the
full set for the same time (`--control`).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from training.data.synth.template_store import FILE_NAME as TEMPLATES_FILE

# 34 CROHME labels (of 101), chosen for shapes like the catalogue's rare symbols, not for being easy:
# Greek letters, the one arrow, big and small operators, relations, brackets and braces. Digits, Latin letters
# and the function words stay real: they are what every class without real data has to compete against.
WITHHELD_CROHME_LABELS: tuple[str, ...] = (
    # Greek
    "\\alpha", "\\beta", "\\gamma", "\\theta", "\\pi", "\\phi", "\\sigma", "\\mu", "\\lambda", "\\Delta",
    # arrow
    "\\rightarrow",
    # operators
    "\\sum", "\\int", "\\sqrt", "\\pm", "\\times", "\\div", "\\infty", "\\ldots", "\\prime",
    # relations
    "\\leq", "\\geq", "\\neq", "\\lt", "\\gt", "\\in", "\\forall", "\\exists",
    # brackets
    "(", ")", "[", "]", "\\{", "\\}",
)  # fmt: skip


@dataclass
class TransferConfig:
    # The full training set (`make data`); it is read, never changed.
    data: str = "data-cache/dataset"
    # Where the derived set goes: the same arrays minus the withheld classes' real train/validation drawings (and
    # with derived rows planned again without them).
    derived: str = "data-cache/transfer"
    # A fixed amount of work (epochs of the trainer's 50,000 draws), not a wall-clock budget, so that the figure
    # does not depend on how busy the machine is: 6 epochs take about 7 minutes on 2 idle CPU cores.
    epochs: int = 6
    # Optional wall-clock cap in minutes on top (0: none); the learning-rate schedule then anneals within it.
    minutes: float = 0.0
    # The architecture under test; the shipped one by default, so the figure speaks for the shipped model.
    model: str = "resnet_small"
    # Run folder name under runs/ (empty: transfer-<UTC time>).
    name: str = ""
    # A model folder trained *with* the withheld classes' real data, scored on the same drawings ("" = none).
    reference: str = "models"
    # Also train a control run on the full set for the same time: the like-for-like reference (doubles the cost).
    control: bool = False
    # Score this finished transfer run again instead of training a new one (e.g. after a catalogue regrouping).
    rescore: str = ""
    seed: int = 0
    # Training settings changed for the transfer (and control) run, as "field=value" of TrainConfig: measures a
    # training change against the same figure (e.g. "balance_power=0.45"; `--train balance_power=0.45` on the CLI).
    train: tuple[str, ...] = ()
    progress: bool = True


def withheld_classes(classes: list[str], catalogue_path: Path) -> dict[str, str]:
    """Class id -> CROHME label for every withheld label (through the same label mapping as the data build)."""
    from training.data.labels import Catalogue, LabelMap

    catalogue = Catalogue.load(catalogue_path)
    label_map = LabelMap(catalogue)
    by_group = catalogue.class_by_group(classes)
    chosen = {}
    for label in WITHHELD_CROHME_LABELS:
        resolved = label_map.resolve("crohme", label)
        class_id = by_group.get(resolved.glyph) if resolved.glyph else None
        if class_id is None:
            raise ValueError(f"withheld CROHME label {label!r} maps to no class of the training set ({resolved.how})")
        chosen[class_id] = label
    return chosen


def derive_training_set(source: Path, target: Path, withheld: set[str]) -> dict[str, Any]:
    """Write `target`: `source` without the real train/validation samples of the `withheld` classes, and with its
    derived rows made again from the real training rows left (`training.data.derive.from_set`): the withheld
    classes get derived rows from other classes' real drawings only, as if they never had real drawings."""
    from backend.render import render_point_arrays
    from training.data.derive import from_set
    from training.learn import trainset

    data = trainset.load(source)
    withheld_index = np.array([i for i, c in enumerate(data.classes) if c in withheld], dtype=np.int64)
    is_withheld = np.isin(data.labels, withheld_index)
    dropped = is_withheld & ~data.synthetic & (data.split != trainset.TEST)
    # Derived rows made from a withheld class's drawings carry them in another form: they go too (re-derivation
    # below replaces every derived row, and the withheld classes' drawings are no longer there to give any).
    from_withheld = (
        np.isin(data.donor, withheld_index).any(axis=1) if data.donor is not None else np.zeros_like(dropped)
    )
    keep = ~(dropped | from_withheld)
    names = ["images", "labels", "split", "source", "group", "synthetic"]
    names += [name for name in ("donor", "strokes") if getattr(data, name) is not None]
    arrays = {name: np.ascontiguousarray(getattr(data, name)[keep]) for name in names}
    arrays["labels"] = arrays["labels"].astype(np.int32)
    meta = dict(data.meta)
    rederived = "planned_from" in meta.get("derivation", {})
    if rederived:
        arrays, meta, rows = from_set.rederived(arrays, meta, render_point_arrays)
        per_class = _derived_per_class(rows, withheld_index, data.classes)
    else:  # a set built before real rows kept their drawings: its build's derived rows, less those from withheld
        print(f"{source} holds no drawings of its real rows (built before layout 2): derived rows as built, not "
              "planned again after withholding; `make data` rebuilds it", flush=True)  # fmt: skip
        per_class = _kept_derived_per_class(arrays, withheld_index, data.classes)
    target.mkdir(parents=True, exist_ok=True)
    for name, array in arrays.items():
        np.save(target / f"{name}.npy", array)
    templates = source / TEMPLATES_FILE
    if templates.is_file():  # class indices are unchanged, so fresh synthesis works on the derived set too
        shutil.copyfile(templates, target / TEMPLATES_FILE)
    meta["content_hash"] = f"{data.meta.get('content_hash')}-transfer"
    derived_rows = {class_id: row["rows"] for class_id, row in per_class.items()}
    meta["transfer"] = {
        "withheld_classes": sorted(withheld),
        "dropped_real_drawings": int(dropped.sum()),
        "dropped_derived_rows": int(from_withheld.sum()),
        "rederived": rederived,
        "rule": "real train/validation drawings of the withheld classes removed, and every derived row made from "
        "them; derived rows made again from the real training rows left; test split and synthetic rows kept",
        # Per withheld class, its derived rows (made from classes that are not withheld), by relation kind and
        # donor: the figure is reported apart for the classes derivation reaches and those it does not.
        "derived_of_withheld": per_class,
        "derived_rows_of_withheld": derived_rows,
    }
    (target / "meta.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")
    return {
        "dropped": int(dropped.sum()),
        "dropped_derived": int(from_withheld.sum()),
        "kept": int(len(arrays["labels"])),
        "rederived": rederived,
        "derived_rows_of_withheld": derived_rows,
        "derived_of_withheld": per_class,
    }


def _derived_per_class(rows: Any, withheld_index: npt.NDArray[np.int64], classes: list[str]) -> dict[str, Any]:
    """Per withheld class: its derived rows, how many per relation kind, and their donor classes."""
    out = {}
    for index in withheld_index.tolist():
        own = np.flatnonzero(rows.labels == index)
        kinds = Counter(rows.kinds[i] for i in own.tolist())
        donors = sorted({classes[d] for d in rows.donors[own].ravel().tolist() if d >= 0})
        out[classes[index]] = {"rows": len(own), "kinds": dict(sorted(kinds.items())), "donors": donors}
    return out


def _kept_derived_per_class(
    arrays: dict[str, np.ndarray], withheld_index: npt.NDArray[np.int64], classes: list[str]
) -> dict[str, Any]:
    """The same for a set whose rows record no relation kind (built before re-derivation): rows and donors."""
    derived = arrays["donor"][:, 0] >= 0 if "donor" in arrays else np.zeros(len(arrays["labels"]), dtype=bool)
    out = {}
    for index in withheld_index.tolist():
        own = derived & (arrays["labels"] == index)
        donors = sorted({classes[d] for d in arrays["donor"][own].ravel().tolist() if d >= 0}) if own.any() else []
        out[classes[index]] = {"rows": int(own.sum()), "kinds": {}, "donors": donors}
    return out


def checkpoint_scores(
    run_dir: Path, images: npt.NDArray[np.uint8], usage_prior: bool = True
) -> npt.NDArray[np.float32]:
    """Served probabilities of a run's best checkpoint: the graph the export would ship, usage prior included
    (or left out, to see what the prior adds)."""
    import torch

    from training.learn.validate import as_input
    from training.ship.export import ExportConfig, load_checkpoint, served_model, usage_log_prior

    model, state = load_checkpoint(run_dir)
    prior, _ = usage_log_prior(list(state["classes"]), ExportConfig(usage_prior=usage_prior))
    served = served_model(model, prior)
    outputs = []
    with torch.no_grad():
        for start in range(0, len(images), 1024):
            outputs.append(served(as_input(torch.from_numpy(images[start : start + 1024])))[0].numpy())
    return np.concatenate(outputs) if outputs else np.zeros((0, 0), dtype=np.float32)


def reference_scores(
    model_dir: Path, images: npt.NDArray[np.uint8], classes: list[str], catalogue_path: Path
) -> npt.NDArray[np.float32]:
    """A shipped ONNX model's scores re-indexed to `classes`, through each label's glyph in today's catalogue (a
    reference trained before a regrouping still scores the same drawings; a label with no class scores 0)."""
    from training.data.labels import Catalogue
    from training.ship.onnx_scorer import OnnxScorer

    scorer = OnnxScorer(model_dir)
    catalogue = Catalogue.load(catalogue_path)
    columns = np.array(catalogue.columns_in(list(scorer.labels), classes), dtype=np.int64)
    raw = scorer.scores(images)
    scores = np.zeros((len(images), len(classes)), dtype=np.float32)
    known = columns >= 0
    np.maximum.at(scores.T, columns[known], raw.T[known])
    return scores


def score_table(scores: npt.NDArray[np.float32], labels: npt.NDArray[np.int64], keys: list[str]) -> dict[str, Any]:
    from training.learn import metrics

    ranks = metrics.hits(scores, labels)
    return {**metrics.accuracy(ranks), "by_class": metrics.accuracy_by(ranks, keys)}


def train_overrides(settings: tuple[str, ...]) -> dict[str, Any]:
    """`field=value` strings -> TrainConfig fields with their own types; an unknown field or a bad value is an
    error before anything is trained."""
    from training.learn.train import TrainConfig

    types = {field.name: str(field.type) for field in dataclasses.fields(TrainConfig)}
    fixed = {"data", "model", "name", "epochs", "patience", "time_budget_minutes", "seed"}
    parsed: dict[str, Any] = {}
    for setting in settings:
        field, equals, text = setting.partition("=")
        if not equals or field not in types or field in fixed:
            allowed = ", ".join(sorted(set(types) - fixed))
            raise ValueError(f"--train {setting!r}: expected FIELD=VALUE with FIELD one of {allowed}")
        kind = types[field]
        try:
            if kind == "bool":
                if text not in ("true", "false"):
                    raise ValueError(text)
                parsed[field] = text == "true"
            else:
                parsed[field] = {"int": int, "float": float, "str": str}[kind](text)
        except ValueError:
            raise ValueError(f"--train {setting!r}: {text!r} is not a {kind}") from None
    return parsed


def run(config: TransferConfig) -> dict[str, Any]:
    from training.learn import trainset
    from training.learn.train import TrainConfig, train

    overrides = train_overrides(config.train)
    started = time.perf_counter()
    source, derived = Path(config.data), Path(config.derived)
    data = trainset.load(source)
    catalogue_path = Path("models/symbols.json")
    withheld = withheld_classes(data.classes, catalogue_path)
    derivation = derive_training_set(source, derived, set(withheld))
    name = config.name or f"transfer-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}"
    print(f"withheld {len(withheld)} classes: dropped {derivation['dropped']:,} real drawings -> {derived}", flush=True)
    print(reach_line(derivation["derived_of_withheld"]), flush=True)
    if config.rescore:
        run_dir = Path(config.rescore)
    else:
        run_dir = train(
            TrainConfig(data=str(derived), model=config.model, name=name, epochs=config.epochs,
                        patience=config.epochs, time_budget_minutes=config.minutes, seed=config.seed, **overrides)
        )  # fmt: skip

    # The test split's real CROHME drawings: withheld classes (the transfer figure) and the others (a sanity line).
    test = np.flatnonzero((data.split == trainset.TEST) & ~data.synthetic)
    test = test[np.array([data.sources[s] == "crohme" for s in data.source[test]], dtype=bool)]
    is_withheld = np.array([data.classes[label] in withheld for label in data.labels[test]], dtype=bool)
    images, labels = data.images[test], data.labels[test]
    keys = [withheld.get(data.classes[label], data.classes[label]) for label in labels]

    reached = {c for c, rows in derivation["derived_rows_of_withheld"].items() if rows > 0}
    has_derived = np.array([data.classes[label] in reached for label in labels], dtype=bool)

    def report(scores: npt.NDArray[np.float32]) -> dict[str, Any]:
        parts = {
            "synthetic_only": is_withheld,
            "with_real_data": ~is_withheld,
            "withheld_with_derived": is_withheld & has_derived,  # learnt from derived real drawings too
            "withheld_without_derived": is_withheld & ~has_derived,  # from templates only
        }
        return {name: score_table(scores[mask], labels[mask], _pick(keys, mask)) for name, mask in parts.items()}

    result: dict[str, Any] = {
        "config": asdict(config),
        "withheld": sorted(withheld.values()),
        "derivation": derivation,
        "transfer": report(checkpoint_scores(run_dir, images)),
        "transfer_without_prior": report(checkpoint_scores(run_dir, images, usage_prior=False)),
    }
    if config.control:
        control_dir = train(
            TrainConfig(data=str(source), model=config.model, name=f"{name}-control", epochs=config.epochs,
                        patience=config.epochs, time_budget_minutes=config.minutes, seed=config.seed, **overrides)
        )  # fmt: skip
        result["control"] = report(checkpoint_scores(control_dir, images))
    if config.reference and (Path(config.reference) / "model.json").is_file():
        reference = reference_scores(Path(config.reference), data.images[test], data.classes, catalogue_path)
        result["reference"] = {"model": _model_version(Path(config.reference)), **report(reference)}
    result["seconds"] = round(time.perf_counter() - started, 1)
    (run_dir / "transfer.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print_report(result)
    print(f"written: {run_dir / 'transfer.json'}")
    return result


def reach_line(derived_of_withheld: dict[str, Any]) -> str:
    """How many withheld classes derivation reaches, and by which relation kinds (classes per kind)."""
    reached = [row for row in derived_of_withheld.values() if row["rows"]]
    kinds = Counter(kind for row in reached for kind in row["kinds"])
    by_kind = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())) or "none"
    rows = sum(row["rows"] for row in reached)
    total = len(derived_of_withheld)
    return f"derived rows reach {len(reached)} of {total} withheld classes ({rows:,} rows; classes by kind: {by_kind})"


def _pick(values: list[str], mask: npt.NDArray[np.bool_]) -> list[str]:
    return [value for value, chosen in zip(values, mask, strict=True) if chosen]


def _model_version(model_dir: Path) -> str:
    return json.loads((model_dir / "model.json").read_text()).get("version", "?")


def print_report(result: dict[str, Any]) -> None:
    def cell(row: dict[str, Any]) -> str:
        return f"{100 * row['top1']:5.1f} / {100 * row['top5']:5.1f}" if row.get("n") else "    -"

    columns = [
        ("synthetic only (this run)", result["transfer"]),
        ("same, no usage prior", result["transfer_without_prior"]),
    ]
    if "control" in result:
        columns.append(("with real data (control run)", result["control"]))
    if "reference" in result:
        columns.append((f"with real data ({result['reference']['model']})", result["reference"]))
    transfer = result["transfer"]["synthetic_only"]
    print(f"\ntransfer measure: {len(result['withheld'])} CROHME classes learnt from synthetic samples only, "
          f"{transfer['n']} real test drawings by unseen writers (top-1 / top-5 %)")  # fmt: skip
    print(f"{'class':<14}" + "".join(f"{title:>36}" for title, _ in columns))
    for key in sorted(transfer["by_class"]):
        cells = (cell(column["synthetic_only"]["by_class"][key]) for _, column in columns)
        print(f"{key:<14}" + "".join(f"{text:>36}" for text in cells))
    rows = (
        ("ALL withheld", "synthetic_only"),
        ("  derived", "withheld_with_derived"),
        ("  no derived", "withheld_without_derived"),
        ("other CROHME", "with_real_data"),
    )
    for title, part in rows:
        print(f"{title:<14}" + "".join(f"{cell(column.get(part, {})):>36}" for _, column in columns))


def _parse_args(argv: list[str] | None) -> TransferConfig:
    defaults = TransferConfig()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=defaults.data)
    parser.add_argument("--derived", default=defaults.derived)
    parser.add_argument("--epochs", type=int, default=defaults.epochs)
    parser.add_argument("--minutes", type=float, default=defaults.minutes, help="wall-clock cap (0: none)")
    parser.add_argument("--model", default=defaults.model)
    parser.add_argument("--name", default=defaults.name)
    parser.add_argument("--reference", default=defaults.reference, help='model folder ("" for none)')
    parser.add_argument("--control", action=argparse.BooleanOptionalAction, default=defaults.control)
    parser.add_argument("--rescore", default=defaults.rescore, help="score this finished run folder, train nothing")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--train", action="append", default=[], metavar="FIELD=VALUE",
                        help="a TrainConfig setting for the run(s), repeatable (e.g. balance_power=0.45)")  # fmt: skip
    arguments = vars(parser.parse_args(argv))
    arguments["train"] = tuple(arguments["train"])
    return TransferConfig(**arguments)


def main(argv: list[str] | None = None) -> None:
    run(_parse_args(argv))


if __name__ == "__main__":
    main()
