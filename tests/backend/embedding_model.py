"""A model folder whose ONNX file has the `embedding` output (contracts section 3), made from a model exported
before that output existed: the classifier's input (the penultimate features) becomes a second output through
an `LpNormalization` node, which is what `training.ship.export` writes for new models. Scores are untouched.

Test support for the personal features until the shipped model carries the output itself:

    python -m tests.backend.embedding_model --models models --out /tmp/models-with-embedding

With a model that already has it, the folder is a plain copy.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
from pathlib import Path


def classifier_input(proto, output: str) -> str:
    producer = {out: node for node in proto.graph.node for out in node.output}
    node = producer[output]
    while node.op_type not in ("Gemm", "MatMul"):
        node = producer[node.input[0]]
    return node.input[0]


def write_models_with_embedding(models: Path, out: Path) -> Path:
    import onnx
    from onnx import TensorProto, helper

    out.mkdir(parents=True, exist_ok=True)
    card = json.loads((models / "model.json").read_text())
    # Copies, not links: the extension build copies this folder into a browser extension.
    shutil.copy2(models / "symbols.json", out / "symbols.json")
    if not (out / "previews").exists():
        shutil.copytree(models / "previews", out / "previews")
    if card.get("embedding_output"):
        shutil.copy2(models / card.get("onnx", "model.onnx"), out / "model.onnx")
        (out / "model.json").write_text(json.dumps(card))
        return out
    proto = onnx.load(str(models / card.get("onnx", "model.onnx")))
    features = classifier_input(proto, card.get("output", "scores"))
    proto.graph.node.append(helper.make_node("LpNormalization", [features], ["embedding"], axis=1, p=2))
    proto.graph.output.append(helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", None]))
    onnx.checker.check_model(proto)
    data = proto.SerializeToString()
    (out / "model.onnx").write_bytes(data)
    import numpy as np
    import onnxruntime as ort

    session = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    size = session.run(["embedding"], {card.get("input", "image"): np.zeros((1, 1, 32, 32), np.float32)})[0].shape[1]
    card.update(
        onnx="model.onnx",
        sha256=hashlib.sha256(data).hexdigest(),
        embedding_output="embedding",
        embedding_size=int(size),
        version=f"{card['version']}+embedding",
    )
    (out / "model.json").write_text(json.dumps(card))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, default=Path("models"))
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    print(write_models_with_embedding(args.models, args.out))


if __name__ == "__main__":
    main()
