"""Measure the personal blend (issue 12) on held-out writers: `make eval-personal`.

    python -m training.measure.personal [--model models] [--data data-cache/dataset/heldout/crohme.jsonl.gz] [--json]

For every held-out CROHME group (a writer, or one source expression of an unknown writer; the test split, which
the model never trained on) in file order: the writer draws their first N drawings and corrects them by picking
the true symbol; then the rest of that writer's drawings are scored before (model only) and after (model +
personal examples, `backend.personal_blend`, the same rule and code the extension and demo page run). Two ways
of correcting are reported:

- `as shipped`: what the extension and demo page record. A drawing becomes an example only when the user picks
  a candidate that was not first, i.e. when the true symbol is on the shown top 5 (after the blend with the
  examples so far) but not first. A right first answer or a symbol missing from the top 5 records nothing.
- `every drawing`: each of the first N drawings becomes an example with its true symbol (a writer who labels
  everything, as when teaching a personal symbol): the most the blend can get from N drawings.

Writers with no more than N drawings have no rest to score and are left out of that row (counts printed).
`never corrects` checks that a writer without examples gets exactly the model's answer.

The blend's parameters are tuned here too (`--tune`): a grid search on one half of the writers (chosen by a
hash of the group key), reporting on the other half, so the printed gains are not fitted to the writers they
are measured on.

Embeddings come from the model's `embedding` output (contracts section 3). A model exported before that output
existed is read the same way by exposing its classifier's input (the penultimate features) as an extra graph
output and L2-normalising it, which is exactly what the export's `embedding` output is; the report says which.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from backend.personal_blend import CANDIDATE_POOL, DEFAULT_PARAMETERS, BlendParameters, PersonalSet

SHOWN = 5  # candidates on screen: the user can only pick among these


@dataclass
class EvalPersonalConfig:
    model: str = "models"  # folder with model.json + model.onnx (contracts section 3)
    data: str = "data-cache/dataset/heldout/crohme.jsonl.gz"  # held-out writers, shared JSONL shape with `group`
    catalogue: str = "models/symbols.json"  # the catalogue the label mapping resolves against
    shots: tuple[int, ...] = (1, 3, 10)  # corrections per writer before scoring the rest (the N)
    tune: bool = False  # grid-search the blend parameters on the tuning half of the writers
    threads: int = 2  # onnxruntime intra-op threads (this machine has 2 cores)
    batch_size: int = 512  # images per onnxruntime call
    json: bool = False  # end with one JSON line, for scripts


@dataclass
class WriterData:
    """One held-out group's drawings in file order: model scores, embeddings and true class indices."""

    group: str
    scores: npt.NDArray[np.float32]  # [n, C]
    embeddings: npt.NDArray[np.float32]  # [n, D]
    labels: npt.NDArray[np.int64]  # [n]


@dataclass
class Tally:
    n: int = 0
    top1_before: int = 0
    top5_before: int = 0
    top1_after: int = 0
    top5_after: int = 0
    writers: int = 0
    examples: int = 0
    changed: dict[str, int] = field(default_factory=lambda: {"fixed": 0, "broken": 0})

    def row(self) -> dict[str, Any]:
        pct = (lambda hits: round(100 * hits / self.n, 2)) if self.n else (lambda hits: float("nan"))
        return {
            "writers": self.writers,
            "examples": self.examples,
            "n": self.n,
            "top1_before": pct(self.top1_before),
            "top1_after": pct(self.top1_after),
            "top5_before": pct(self.top5_before),
            "top5_after": pct(self.top5_after),
            "top1_fixed": self.changed["fixed"],
            "top1_broken": self.changed["broken"],
        }


class ModelOutputs:
    """Scores and L2-normalised embeddings of an exported model, with onnxruntime."""

    def __init__(self, model_dir: Path, threads: int) -> None:
        import onnx
        import onnxruntime as ort

        self.card: dict[str, Any] = json.loads((model_dir / "model.json").read_text())
        self.labels: list[str] = list(self.card["labels"])
        proto = onnx.load(str(model_dir / self.card.get("onnx", "model.onnx")))
        self.output = self.card.get("output", "scores")
        self.embedding = self.card.get("embedding_output")
        self.embedding_source = f"the model's `{self.embedding}` output"
        self.normalise = False
        if self.embedding is None:
            self.embedding = _classifier_input(proto, self.output)
            proto.graph.output.append(onnx.helper.make_tensor_value_info(self.embedding, onnx.TensorProto.FLOAT, None))
            self.embedding_source = (
                f"the classifier input `{self.embedding}` of this model (no `embedding` output yet), L2-normalised"
            )
            self.normalise = True
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.log_severity_level = 3
        self.session = ort.InferenceSession(proto.SerializeToString(), options, providers=["CPUExecutionProvider"])
        self.input = self.card.get("input", "image")

    def run(self, counts: npt.NDArray[np.uint8], batch_size: int) -> tuple[npt.NDArray, npt.NDArray]:
        from backend.render import counts_to_input

        scores, embeddings = [], []
        for start in range(0, len(counts), batch_size):
            x = counts_to_input(counts[start : start + batch_size])[:, None, :, :]
            s, e = self.session.run([self.output, self.embedding], {self.input: x})
            scores.append(s)
            embeddings.append(e.reshape(len(e), -1))
        embedding = np.concatenate(embeddings).astype(np.float32)
        if self.normalise:
            embedding /= np.maximum(np.linalg.norm(embedding, axis=1, keepdims=True), 1e-12)
        return np.concatenate(scores), embedding


def _classifier_input(proto: Any, output: str) -> str:
    """The tensor the final classifier layer reads: input of the Gemm/MatMul feeding the softmax `output`."""
    producer = {out: node for node in proto.graph.node for out in node.output}
    node = producer[output]
    while node.op_type not in ("Gemm", "MatMul"):
        node = producer[node.input[0]]
    return node.input[0]


def load_writers(path: Path, catalogue: Path, outputs: ModelOutputs, batch_size: int) -> tuple[list[WriterData], int]:
    """The held-out records grouped by writer (file order kept); also how many records could not be scored."""
    from backend.render import render_point_arrays
    from training.data.labels import Catalogue, LabelMap, hint_for
    from training.data.readers.jsonl import read_jsonl
    from training.data.readers.records import SourceReport

    label_map = LabelMap(Catalogue.load(catalogue))
    index_of = {label: i for i, label in enumerate(outputs.labels)}
    counts, labels, groups, skipped = [], [], [], 0
    for record in read_jsonl(path, "crohme", SourceReport("crohme"), progress=False):
        glyph = label_map.glyph_for("crohme", record.label, hint_for("crohme", record.original))
        if glyph is None or glyph not in index_of:
            skipped += 1
            continue
        counts.append(render_point_arrays(record.strokes))
        labels.append(index_of[glyph])
        groups.append(str(record.original.get("group") or record.group))  # the writer / expression key
    scores, embeddings = outputs.run(np.stack(counts), batch_size)
    members: dict[str, list[int]] = defaultdict(list)
    for i, group in enumerate(groups):
        members[group].append(i)
    writers = [
        WriterData(g, scores[idx], embeddings[idx], np.array(labels, dtype=np.int64)[idx])
        for g, idx in ((g, np.array(i)) for g, i in members.items())
    ]
    return writers, skipped


def tuning_half(group: str) -> bool:
    """Half the writers, fixed by the group key: parameters are tuned on these and reported on the others."""
    return hashlib.sha256(f"texsketch-personal-tune|{group}".encode()).digest()[0] % 2 == 0


def _pool(scores: npt.NDArray[np.float32], labels: Sequence[str]) -> list[tuple[str, float]]:
    top = np.argsort(-scores, kind="stable")[:CANDIDATE_POOL]
    return [(labels[i], float(scores[i])) for i in top]


def _ranked_ids(writer: WriterData, i: int, personal: PersonalSet | None, labels: Sequence[str]) -> list[str]:
    pool = _pool(writer.scores[i], labels)
    if personal is None or not personal.symbol_ids:
        return [symbol for symbol, _ in pool]
    return [c.id for c in personal.rerank(pool, writer.embeddings[i])]


def corrections(
    writer: WriterData, shots: int, policy: str, labels: Sequence[str], params: BlendParameters
) -> list[int]:
    """Indices among the first `shots` drawings that become personal examples under `policy`."""
    if policy == "every drawing":
        return list(range(min(shots, len(writer.labels))))
    chosen: list[int] = []
    for i in range(min(shots, len(writer.labels))):
        personal = PersonalSet(writer.embeddings[chosen], [labels[writer.labels[j]] for j in chosen], params)
        shown = _ranked_ids(writer, i, personal, labels)[:SHOWN]
        truth = labels[writer.labels[i]]
        if truth in shown[1:]:  # the user picks it from place 2..5: the panel records that
            chosen.append(i)
    return chosen


def score(
    writers: Sequence[WriterData], shots: int, policy: str, labels: Sequence[str], params: BlendParameters
) -> Tally:
    """Before/after top-1 and top-5 on each writer's drawings after the first `shots`."""
    tally = Tally()
    for writer in writers:
        if len(writer.labels) <= shots:
            continue
        chosen = corrections(writer, shots, policy, labels, params) if shots else []
        personal = PersonalSet(writer.embeddings[chosen], [labels[writer.labels[j]] for j in chosen], params)
        tally.writers += 1
        tally.examples += len(chosen)
        for i in range(shots, len(writer.labels)):
            truth = labels[writer.labels[i]]
            before = _ranked_ids(writer, i, None, labels)
            after = _ranked_ids(writer, i, personal, labels)
            tally.n += 1
            tally.top1_before += before[0] == truth
            tally.top5_before += truth in before[:SHOWN]
            tally.top1_after += after[0] == truth
            tally.top5_after += truth in after[:SHOWN]
            if before[0] != truth and after[0] == truth:
                tally.changed["fixed"] += 1
            elif before[0] == truth and after[0] != truth:
                tally.changed["broken"] += 1
    return tally


def report(writers: Sequence[WriterData], shots: Sequence[int], labels: Sequence[str], params: BlendParameters):
    rows = [{"shots": 0, "policy": "never corrects", **score(writers, 0, "as shipped", labels, params).row()}]
    for policy in ("as shipped", "every drawing"):
        for n in shots:
            rows.append({"shots": n, "policy": policy, **score(writers, n, policy, labels, params).row()})
    return rows


TUNING_GRID = {
    "neighbours": (1, 3, 5, 10),
    "threshold": (0.3, 0.4, 0.5, 0.6, 0.7, 0.8),
    "power": (1, 2, 3),
    "weight": (0.25, 0.5, 1.0, 2.0, 4.0),
}


class FastBlend:
    """The blend vectorised over many drawings at once, for the grid search only (the reported figures come from
    the reference code in `score`). Same rule; ties may break differently, which a search does not notice."""

    def __init__(self, writers: Sequence[WriterData], shots: int, policy_examples: dict[str, list[int]]) -> None:
        from backend.personal_blend import QUANT_SCALE, quantise

        rows_scores, rows_sims, rows_labels, truths = [], [], [], []
        for writer in writers:
            chosen = policy_examples.get(writer.group, [])
            if len(writer.labels) <= shots:
                continue
            q = quantise(writer.embeddings)
            rest = np.arange(shots, len(writer.labels))
            sims = np.full((len(rest), max(shots, 1)), -np.inf)
            labels = np.zeros((len(rest), max(shots, 1)), dtype=np.int64)
            if chosen:
                sims[:, : len(chosen)] = (q[rest] @ q[chosen].T) / float(QUANT_SCALE * QUANT_SCALE)
                labels[:, : len(chosen)] = writer.labels[chosen]
            rows_scores.append(writer.scores[rest])
            rows_sims.append(sims)
            rows_labels.append(labels)
            truths.append(writer.labels[rest])
        scores = np.concatenate(rows_scores).astype(np.float64)
        # The pool: the model's top CANDIDATE_POOL; every other class scores 0 before the bonus, as in the blend.
        cut = -np.partition(-scores, CANDIDATE_POOL - 1, axis=1)[:, CANDIDATE_POOL - 1 : CANDIDATE_POOL]
        self.pool = np.where(scores >= cut, scores, 0.0)
        self.sims = np.concatenate(rows_sims)
        self.example_labels = np.concatenate(rows_labels)
        self.truth = np.concatenate(truths)
        order = np.argsort(-self.sims, axis=1, kind="stable")
        self.sorted_sims = np.take_along_axis(self.sims, order, axis=1)
        self.sorted_labels = np.take_along_axis(self.example_labels, order, axis=1)

    def gain(self, params: BlendParameters) -> float:
        """Top-1 after minus before, as a fraction of the drawings."""
        k = min(params.neighbours, self.sorted_sims.shape[1])
        sims, labels = self.sorted_sims[:, :k], self.sorted_labels[:, :k]
        x = np.where(sims > params.threshold, (sims - params.threshold) / (1 - params.threshold), 0.0)
        w = x**params.power
        bonus = np.zeros_like(self.pool)
        np.add.at(bonus, (np.arange(len(bonus))[:, None].repeat(k, 1), labels), w)
        blended = (self.pool + params.weight * bonus) / (1 + params.weight * w.sum(axis=1, keepdims=True))
        before = self.pool.argmax(axis=1) == self.truth
        after = blended.argmax(axis=1) == self.truth
        return float(after.mean() - before.mean())


TUNING_GRID = {
    "neighbours": (1, 3, 5, 10),
    "threshold": (0.3, 0.4, 0.5, 0.6, 0.7, 0.8),
    "power": (1, 2, 3),
    "weight": (0.25, 0.5, 1.0, 2.0, 4.0, 8.0),
}


def tune(writers: Sequence[WriterData], labels: Sequence[str], shots: Sequence[int]) -> tuple[BlendParameters, list]:
    """Grid search on `writers`: the parameters with the best mean top-1 gain over the rows (both policies).

    `as shipped` examples depend on the parameters (what the blend showed decides what the user corrects); they
    are taken with the default parameters here, a close stand-in that keeps the search to seconds."""
    batches = []
    for n in shots:
        every = {w.group: list(range(min(n, len(w.labels)))) for w in writers}
        shipped = {w.group: corrections(w, n, "as shipped", labels, DEFAULT_PARAMETERS) for w in writers}
        batches += [FastBlend(writers, n, every), FastBlend(writers, n, shipped)]
    results = []
    for values in itertools.product(*TUNING_GRID.values()):
        params = BlendParameters(**dict(zip(TUNING_GRID, values, strict=True)))
        results.append((float(np.mean([batch.gain(params) for batch in batches])), asdict(params)))
    results.sort(key=lambda item: -item[0])
    return BlendParameters(**results[0][1]), results[:10]


def print_table(rows: Sequence[dict[str, Any]], title: str) -> None:
    print(title)
    print(
        "| corrections per writer | policy | writers | examples | drawings scored | top-1 before | top-1 after "
        "| top-5 before | top-5 after | fixed / broken top-1 |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['shots']} | {r['policy']} | {r['writers']} | {r['examples']} | {r['n']:,} "
            f"| {r['top1_before']:.2f} % "
            f"| **{r['top1_after']:.2f} %** | {r['top5_before']:.2f} % | {r['top5_after']:.2f} % "
            f"| {r['top1_fixed']} / {r['top1_broken']} |"
        )


def _parse_args(argv: list[str] | None) -> EvalPersonalConfig:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = EvalPersonalConfig()
    parser.add_argument("--model", default=defaults.model)
    parser.add_argument("--data", default=defaults.data, help="held-out JSONL (.jsonl.gz) with a group per record")
    parser.add_argument("--catalogue", default=defaults.catalogue)
    parser.add_argument("--shots", type=int, nargs="+", default=list(defaults.shots))
    parser.add_argument("--tune", action="store_true", help="grid-search the parameters on the tuning half")
    parser.add_argument("--threads", type=int, default=defaults.threads)
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--json", action="store_true")
    args = vars(parser.parse_args(argv))
    args["shots"] = tuple(args["shots"])
    return EvalPersonalConfig(**args)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    config = _parse_args(argv)
    data = Path(config.data)
    if not data.is_file():
        raise SystemExit(f"eval-personal: no such file: {data} (run `make data` for the held-out split)")
    outputs = ModelOutputs(Path(config.model), config.threads)
    writers, skipped = load_writers(data, Path(config.catalogue), outputs, config.batch_size)
    labels = outputs.labels
    tuning = [w for w in writers if tuning_half(w.group)]
    reporting = [w for w in writers if not tuning_half(w.group)]
    print(f"model {outputs.card.get('version')} (sha256 {str(outputs.card.get('sha256'))[:12]}...)")
    print(f"embeddings: {outputs.embedding_source}")
    print(
        f"{data}: {sum(len(w.labels) for w in writers):,} drawings of {len(writers)} writers/groups "
        f"({skipped} not scored: label not a class of this model); tuning half {len(tuning)}, "
        f"reporting half {len(reporting)}"
    )
    result: dict[str, Any] = {"model": {k: outputs.card.get(k) for k in ("version", "sha256")}}
    params = DEFAULT_PARAMETERS
    if config.tune:
        params, best = tune(tuning, labels, config.shots)
        result["tuning"] = [{"mean_top1_gain": g, **p} for g, p in best]
        print("best parameters on the tuning half (mean top-1 gain over the rows):")
        for gain, p in best:
            print(f"  {100 * gain:+.2f} points  {p}")
    print(f"blend parameters: {asdict(params)}")
    result["params"] = asdict(params)
    result["reporting_half"] = report(reporting, config.shots, labels, params)
    result["all_writers"] = report(writers, config.shots, labels, params)
    print_table(result["reporting_half"], "\nheld-out writers not used for tuning:")
    print_table(result["all_writers"], "\nall held-out writers:")
    if config.json:
        print(json.dumps(result, separators=(",", ":")))
    return result


if __name__ == "__main__":
    main()
