"""Motion planes (issue 14, item 3): the ink plane is the served renderer's image, each segment lands in the
plane of its orientation, pen ends are marked, and the data build, fresh synthesis, models and trainer carry the
extra planes end to end."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from backend.render import render_point_arrays
from tests.training.data.test_data_build import fixture_config, load
from tests.training.tiny_trainset import train_tiny_run
from training.data.build import build
from training.data.motion import channel_count, render_motion_counts
from training.data.synth.fresh import draw_epoch
from training.learn import models, trainset

CHANNELS = channel_count(("orientation", "ends"))


def _line(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.array([[x0, y0], [x1, y1]], dtype=np.float64)


def test_render_motion_counts_ink_plane_is_the_served_image() -> None:
    drawing = [_line(0, 0, 10, 3), np.array([[2, 8], [5, 1], [9, 9], [4, 4]], float), np.array([[7, 7]], float)]
    planes = render_motion_counts(drawing)
    assert planes.shape == (CHANNELS, 32, 32) and planes.dtype == np.uint8
    np.testing.assert_array_equal(planes[0], render_point_arrays(drawing))


@pytest.mark.parametrize(
    ("segment", "plane"),
    [((0, 5, 10, 5), 1), ((0, 0, 10, 10), 2), ((5, 0, 5, 10), 3), ((0, 10, 10, 0), 4), ((10, 5, 0, 5), 1)],
)
def test_render_motion_counts_segment_lands_in_its_orientation_plane(segment: tuple, plane: int) -> None:
    planes = render_motion_counts([_line(*segment)])
    np.testing.assert_array_equal(planes[plane], planes[0])  # all the ink, in one orientation plane
    assert all(planes[other].sum() == 0 for other in range(1, 5) if other != plane)


def test_render_motion_counts_marks_pen_down_and_up_only() -> None:
    planes = render_motion_counts([np.array([[0, 0], [5, 0], [10, 0], [15, 0], [20, 0]], float)])
    ends = planes[5]
    assert ends[:, :8].sum() > 0 and ends[:, -8:].sum() > 0  # both ends of the horizontal stroke
    assert ends[:, 12:20].sum() == 0  # nothing in the middle
    assert ((ends > 0) <= (planes[0] > 0)).all()  # the ends lie on the ink


def test_render_motion_counts_chosen_planes_only_in_fixed_order() -> None:
    drawing = [_line(0, 5, 10, 5), _line(5, 0, 5, 10)]
    both = render_motion_counts(drawing)
    np.testing.assert_array_equal(render_motion_counts(drawing, ("orientation",)), both[:5])
    np.testing.assert_array_equal(render_motion_counts(drawing, ("ends",)), both[[0, 5]])
    assert channel_count(()) == 1 and channel_count(("ends", "orientation")) == 6
    with pytest.raises(ValueError, match="expected distinct names"):
        render_motion_counts(drawing, ("speed",))


def test_render_motion_counts_dot_has_ink_and_end_but_no_orientation() -> None:
    planes = render_motion_counts([np.array([[3.0, 4.0]])])
    assert planes[0].sum() > 0 and planes[5].sum() > 0
    assert planes[1:5].sum() == 0


def test_build_input_channels_widens_only_the_first_convolution() -> None:
    model = models.build("resnet_tiny", 7, input_channels=CHANNELS)
    assert model(torch.zeros(2, CHANNELS, 32, 32)).shape == (2, 7)
    plain = models.build("resnet_tiny", 7)
    widened = [n for n, p in model.named_parameters() if p.shape != dict(plain.named_parameters())[n].shape]
    assert widened == ["0.weight"]
    with pytest.raises(ValueError, match="at least 1 input channel"):
        models.build("resnet_tiny", 7, input_channels=0)


def test_draw_epoch_with_motion_keeps_the_ink_of_the_plain_draw() -> None:
    templates = [[[_line(0, 0, 10, 10), _line(10, 0, 0, 10)]], [[np.array([[0, 0], [10, 0], [10, 10]], float)]]]
    labels = np.array([0, 1, 1])
    plain = draw_epoch(templates, labels, seed=2, epoch=3)
    moving = draw_epoch(templates, labels, seed=2, epoch=3, motion_planes=("orientation", "ends"))
    assert moving.shape == (3, CHANNELS, 32, 32)
    np.testing.assert_array_equal(moving[:, 0], plain)


def test_data_build_with_motion_channels_adds_planes_and_keeps_the_ink(tmp_path: Path) -> None:
    plain = build(fixture_config(tmp_path / "plain"))
    moving = build(fixture_config(tmp_path / "motion", motion_planes=("ends", "orientation")))
    assert moving["content_hash"] != plain["content_hash"]
    ink, planes = load(tmp_path / "plain")["images"], load(tmp_path / "motion")["images"]
    assert planes.shape == (len(ink), CHANNELS, 32, 32)
    np.testing.assert_array_equal(planes[:, 0], ink)
    assert json.loads((tmp_path / "motion" / "meta.json").read_text())["motion_planes"] == ["orientation", "ends"]


@pytest.mark.slow
def test_train_on_motion_planes_learns_and_records_the_input_channels(tmp_path: Path, dataset: Path) -> None:
    # The tiny set's ink with its orientation and end planes added (its drawings are re-rendered from strokes).
    data = trainset.load(dataset)
    folder = tmp_path / "motion-data"
    folder.mkdir()
    for name in ("labels", "split", "source", "group", "synthetic"):
        np.save(folder / f"{name}.npy", getattr(data, name))
    planes = np.zeros((len(data.labels), CHANNELS, 32, 32), dtype=np.uint8)
    planes[:, 0] = data.images  # ink only: the trainer must still learn and record six planes
    np.save(folder / "images.npy", planes)
    (folder / "meta.json").write_text(json.dumps({**data.meta, "motion_planes": ["orientation", "ends"]}))
    run = train_tiny_run(tmp_path / "runs", folder)
    state = torch.load(run / "best.pt", map_location="cpu", weights_only=True)
    assert state["input_channels"] == CHANNELS
    summary = json.loads((run / "summary.json").read_text())
    assert summary["test"]["top1"] >= 0.8


def test_export_refuses_a_run_that_reads_motion_planes(tmp_path: Path, run_dir: Path) -> None:
    from training.ship.export import ExportConfig, ExportError, export

    moved = tmp_path / "motion-run"
    moved.mkdir()
    state = torch.load(run_dir / "best.pt", map_location="cpu", weights_only=True)
    state["input_channels"] = CHANNELS
    state["model"]["0.weight"] = state["model"]["0.weight"].repeat(1, CHANNELS, 1, 1)
    torch.save(state, moved / "best.pt")
    with pytest.raises(ExportError, match="cannot be served"):
        export(ExportConfig(run=str(moved), out=str(tmp_path / "models")))
    assert not (tmp_path / "models").exists()
