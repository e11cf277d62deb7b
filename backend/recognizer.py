"""The recognizer: one onnxruntime session, created once, turning rendered drawings into ranked symbols.

The model has one output per glyph group (contracts section 3), so the answer lists each look of a symbol
once; the other catalogue members drawn the same way (`\\epsilon`-like aliases, text and math twins) come
along as `alternatives`. Everything an answer needs except the score is prepared at load time, so a request
costs one session call, a partial sort and a few dict copies.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from backend import confidence, render, symbol_json
from backend.catalogue import Catalogue
from backend.model_card import ModelCard, ModelLoadError, load_model_card

MAX_K = 20
# A catalogue regenerated after training may have dropped or renamed a few ids: those labels are left out of
# answers (with a warning) rather than stopping the server. More than this share means the model and the
# catalogue do not belong together at all.
MAX_UNLISTED_SHARE = 0.02


def create_session(onnx_path: Path, threads: int) -> Any:
    """An inference session with options chosen for many tiny requests on a shared CPU."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    # One 32x32 image is far too little work to split across threads; batches may use more.
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # The graph is small and fixed: fold and fuse everything once at load time.
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # A CNN is a chain; parallel branch execution would only add scheduling cost.
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    # Idle worker threads must not spin on a machine shared with the web server and its clients.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    if not fused_int8_is_exact():
        # The int8 model's QDQ pairs then run as the file writes them (dequantize, float operator, quantize): the
        # numbers onnxruntime-web computes offline, on every CPU. Fused, this CPU's int8 kernels would move scores.
        options.add_session_config_entry("session.disable_quant_qdq", "1")
        # And no NCHWc layout (ORT_ENABLE_ALL): it reorders the float sums of the dequantized convolutions, and a
        # value at the edge of a quantization step then rounds to the neighbouring step. For the 6 Dec model that
        # moved scores by up to 0.0015 on 16 real drawings; at EXTENDED the graph's own numbers hold within 6e-7,
        # for 23 % more time (p50 0.95 instead of 0.77 ms per drawing on an AVX2-only CPU, inference alone).
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.log_severity_level = 3
    try:
        return ort.InferenceSession(str(onnx_path), sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as error:  # onnxruntime raises several private exception types for a bad file
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ModelLoadError(f"model file {onnx_path} is not a loadable ONNX model: {first_line}") from None


def fused_int8_is_exact(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether onnxruntime's fused int8 kernels give the QDQ graph's own numbers on this CPU (within 1e-5).

    Fused (the default at ORT_ENABLE_ALL), a QDQ model's convolutions run as int8 kernels. On an x86 CPU with
    VNNI (`avx512_vnni`, `avx_vnni`) they sum uint8 x int8 products exactly in 32 bits and agree with the unfused
    graph and with onnxruntime-web to about 4e-6 (training/ship/README.md, 28 Nov). Without VNNI (AVX2 or AVX-512
    alone) they add pairs of products in 16 bits with saturation (`vpmaddubsw`): on an AVX2-only AMD EPYC the shipped
    model's scores moved by up to 0.36 and the offline top-5 of a drawn 2 differed from the server's. Anything this
    cannot read (another OS, another architecture) counts as not exact: the unfused graph is right everywhere,
    only slower (0.41 -> 0.83 ms CPU per drawing there; the float model takes 0.70 ms).
    """
    try:
        text = cpuinfo.read_text(errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("flags"):
            flags = set(line.partition(":")[2].split())
            return bool(flags & {"avx512_vnni", "avx_vnni"})
    return False


class Recognizer:
    """A loaded, checked model plus the catalogue entries of its labels."""

    def __init__(
        self, session: Any, card: ModelCard, catalogue: Catalogue, uncertainty: confidence.UncertaintyRule | None = None
    ) -> None:
        self.session = session
        self.card = card
        # model.json's fitted "not sure" rule (backend/confidence.py); None until `training.ship.calibrate` has run.
        self.uncertainty = uncertainty
        self._check_io()
        missing = [label for label in card.labels if label not in catalogue.by_id]
        if len(missing) > MAX_UNLISTED_SHARE * len(card.labels):
            raise ModelLoadError(
                f"{len(missing)} of the model's {len(card.labels)} labels are not in the symbol catalogue (first: "
                f"{missing[:3]}); the model and symbols.json do not belong together"
            )
        # Labels the catalogue no longer has are never shown: answers rank the listed labels only.
        self.unlisted_labels = tuple(missing)
        listed = [index for index, label in enumerate(card.labels) if label in catalogue.by_id]
        self._listed = np.array(listed, dtype=np.int64) if missing else None
        symbols = [catalogue.by_id[card.labels[index]] for index in listed]
        # Labels are glyph representatives; two labels of one glyph would show the same symbol twice.
        glyph_numbers: dict[str, int] = {}
        self._glyph_of_label = np.array(
            [glyph_numbers.setdefault(s.glyph, len(glyph_numbers)) for s in symbols], dtype=np.int64
        )
        # Labels beyond one per glyph: the top k + this many labels always hold k distinct glyphs.
        self._surplus_labels = len(symbols) - len(glyph_numbers)
        self._entries = [
            {**symbol_json.summary(s), "alternatives": symbol_json.also(s, catalogue.members(s.glyph))} for s in symbols
        ]
        self.model_info = {"version": card.version, "sha256": card.sha256}

    @classmethod
    def load(cls, model_dir: Path, catalogue: Catalogue, threads: int = 1) -> Recognizer:
        card = load_model_card(model_dir)
        recognizer = cls(create_session(card.onnx_path, threads), card, catalogue)
        # Only a model that passed its checks reads (and may warn about) its "not sure" rule: a start that fails
        # says one line, the reason.
        recognizer.uncertainty = load_uncertainty(model_dir)
        return recognizer

    @property
    def label_count(self) -> int:
        return len(self.card.labels)

    def _check_io(self) -> None:
        inputs = {i.name: i for i in self.session.get_inputs()}
        outputs = {o.name: o for o in self.session.get_outputs()}
        if self.card.input_name not in inputs:
            raise ModelLoadError(f"the model has no input {self.card.input_name!r} (it has {sorted(inputs)})")
        if self.card.output_name not in outputs:
            raise ModelLoadError(f"the model has no output {self.card.output_name!r} (it has {sorted(outputs)})")
        shape = inputs[self.card.input_name].shape
        if len(shape) != 4 or list(shape[1:]) != [1, render.SIZE, render.SIZE]:
            raise ModelLoadError(f"the model input has shape {shape}, expected [N, 1, {render.SIZE}, {render.SIZE}]")
        # Run one blank image: the output width is then known even where the graph leaves it symbolic.
        probe = np.zeros((1, 1, render.SIZE, render.SIZE), dtype=np.float32)
        try:
            width = self.scores(probe).shape[-1]
        except Exception as error:
            raise ModelLoadError(f"the model fails on a blank image: {str(error).splitlines()[0]}") from None
        if width != len(self.card.labels):
            raise ModelLoadError(
                f"the model outputs {width} scores but model.json lists {len(self.card.labels)} labels: "
                "labels and model do not match"
            )
        if self.card.embedding_name is not None:
            if self.card.embedding_name not in outputs:
                raise ModelLoadError(
                    f"model.json names the embedding output {self.card.embedding_name!r}, "
                    f"the model has {sorted(outputs)}"
                )
            size = self.outputs(probe).shape[-1] - width
            if size != self.card.embedding_size:
                raise ModelLoadError(
                    f"the model's embedding has {size} values but model.json says embedding_size "
                    f"{self.card.embedding_size}"
                )

    def scores(self, images: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Probabilities [N, C] for model inputs [N, 1, 32, 32]."""
        return self.session.run([self.card.output_name], {self.card.input_name: images})[0]

    @property
    def has_embedding(self) -> bool:
        return self.card.embedding_name is not None

    def outputs(self, images: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """One row per input [N, C + D]: the C probabilities, then the D embedding values when the model has an
        embedding output (one session call fetches both; `split_row` takes a row apart). The batcher runs this,
        so requests with and without `"embedding": true` share batches."""
        if self.card.embedding_name is None:
            return self.scores(images)
        scores, embedding = self.session.run(
            [self.card.output_name, self.card.embedding_name], {self.card.input_name: images}
        )
        return np.concatenate([scores, embedding], axis=1)

    def split_row(self, row: npt.NDArray[np.float32]) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32] | None]:
        """(scores [C], embedding [D] or None) of one `outputs` row."""
        width = len(self.card.labels)
        return row[:width], (row[width:] if self.card.embedding_name is not None else None)

    def rank(self, scores: npt.NDArray[np.float32], k: int) -> list[dict[str, Any]]:
        """The top k distinct glyphs of one score row, best first, as API entries."""
        if self._listed is not None:
            scores = scores[self._listed]
        order = top_distinct(scores, self._glyph_of_label, k, self._surplus_labels)
        values = scores[order].tolist()
        return [{**self._entries[i], "score": value} for i, value in zip(order.tolist(), values, strict=True)]

    def assess(self, scores: npt.NDArray[np.float32], counts: npt.NDArray[np.uint8]) -> dict[str, Any]:
        """`{"confidence", "not_sure"}` of one answer (contracts section 4): scores [C], ink counts [32, 32]."""
        if self.uncertainty is None:
            return confidence.uncalibrated(scores)
        return self.uncertainty.assess(scores, counts)

    def predict(self, arrays: Sequence[npt.NDArray[np.float64]], k: int) -> list[dict[str, Any]]:
        """Render checked strokes (from `backend.drawing.strokes_to_arrays`) and rank them."""
        image = render.counts_to_input(render.render_point_arrays(arrays))
        return self.rank(self.scores(image[None, None])[0], k)


def load_uncertainty(model_dir: Path) -> confidence.UncertaintyRule | None:
    """model.json's "uncertainty" block (written by `python -m training.ship.calibrate`), None when absent."""
    import json
    import logging

    block = json.loads((model_dir / "model.json").read_text(encoding="utf-8")).get("uncertainty")
    if block is None:
        logging.getLogger(__name__).warning(
            "%s/model.json has no 'uncertainty' block: answers carry the top score as confidence and never "
            "'not sure' (run python -m training.ship.calibrate)",
            model_dir,
        )
        return None
    try:
        return confidence.UncertaintyRule.from_json(block)
    except confidence.UncertaintyError as error:
        raise ModelLoadError(f"model metadata {model_dir / 'model.json'}: {error}") from None


def top_distinct(
    scores: npt.NDArray[np.floating], glyph_of_label: npt.NDArray[np.int64], k: int, surplus_labels: int
) -> npt.NDArray[np.int64]:
    """Indices of the best labels of the first k distinct glyphs of one score row, best first. `surplus_labels`:
    labels beyond one per glyph (0 when every glyph has one label). `training.measure.evaluate` ranks with this too."""
    k = min(k, len(scores) - surplus_labels)
    candidates = min(len(scores), k + surplus_labels)
    # Equal scores rank by label index (the offline ranking and training.learn.metrics do the same): every label
    # scoring at least the candidates-th best value is a contender, not just the ones argpartition kept.
    threshold = np.partition(scores, len(scores) - candidates)[len(scores) - candidates]
    contenders = np.flatnonzero(scores >= threshold)
    order = contenders[np.argsort(-scores[contenders], kind="stable")][:candidates]
    if surplus_labels:
        order = _first_of_each_glyph(order, glyph_of_label, k)
    return order


def _first_of_each_glyph(order: npt.NDArray, glyph_of_label: npt.NDArray[np.int64], k: int) -> npt.NDArray:
    """The first k labels of `order` (best first) whose glyphs differ: each glyph keeps its best label."""
    chosen, seen = [], set()
    for index in order.tolist():
        glyph = int(glyph_of_label[index])
        if glyph not in seen:
            seen.add(glyph)
            chosen.append(index)
            if len(chosen) == k:
                break
    return np.array(chosen, dtype=np.int64)
