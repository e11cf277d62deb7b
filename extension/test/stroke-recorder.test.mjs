// Stroke capture: pointer samples -> the API's drawing shape, within the server's limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS, StrokeRecorder } from '../src/shared/stroke-recorder.js';

test('recorder_two_strokes_gives_api_shape_with_relative_times', () => {
  const recorder = new StrokeRecorder();
  recorder.begin(10, 10, 1000.4);
  recorder.move(20, 15.256, 1016);
  recorder.end(30, 20, 1033);
  recorder.begin(5, 40, 1500);
  recorder.end(undefined, undefined, 1510);
  assert.deepEqual(recorder.toStrokes(), [
    [
      [10, 10, 0],
      [20, 15.26, 16],
      [30, 20, 33],
    ],
    [[5, 40, 500]],
  ]);
});

test('recorder_drops_points_closer_than_min_step', () => {
  const recorder = new StrokeRecorder({ minStep: 2 });
  recorder.begin(0, 0, 0);
  assert.equal(recorder.move(1, 1, 5), false);
  assert.equal(recorder.move(3, 0, 9), true);
  assert.equal(recorder.pointCount(), 2);
});

test('recorder_ignores_other_pointers_while_a_stroke_is_open', () => {
  const recorder = new StrokeRecorder();
  recorder.begin(0, 0, 0, 1);
  assert.equal(recorder.begin(50, 50, 1, 2), false, 'second finger must not start a stroke');
  assert.equal(recorder.move(50, 50, 2, 2), false);
  assert.equal(recorder.end(50, 50, 3, 2), false);
  assert.equal(recorder.end(10, 0, 4, 1), true);
  assert.equal(recorder.strokes.length, 1);
  assert.equal(recorder.isDrawing, false);
});

test('recorder_undo_removes_last_stroke_and_clear_removes_all', () => {
  const recorder = new StrokeRecorder();
  for (let i = 0; i < 3; i++) {
    recorder.begin(i, i, 100 * i);
    recorder.end(i + 10, i, 100 * i + 5);
  }
  assert.equal(recorder.undo(), true);
  assert.equal(recorder.strokes.length, 2);
  assert.deepEqual(recorder.strokes[1][0], [1, 1, 100]);
  recorder.clear();
  assert.equal(recorder.isEmpty, true);
  assert.equal(recorder.undo(), false);
  recorder.begin(7, 7, 5000);
  assert.deepEqual(recorder.toStrokes(), [[[7, 7, 0]]], 'time restarts after clear');
});

test('recorder_stays_within_server_limits', () => {
  const recorder = new StrokeRecorder();
  recorder.begin(0, 0, 0);
  for (let i = 1; i < LIMITS.maxPointsPerStroke + 50; i++) recorder.move(i * 2, 0, i);
  recorder.end();
  assert.equal(recorder.strokes[0].length, LIMITS.maxPointsPerStroke);
  for (let s = 0; s < LIMITS.maxStrokes + 5; s++) {
    recorder.begin(s, 500, 0);
    recorder.end();
  }
  assert.equal(recorder.strokes.length, LIMITS.maxStrokes);
  assert.ok(recorder.pointCount() <= LIMITS.maxPoints);
});

test('recorder_copy_is_independent_of_further_drawing', () => {
  const recorder = new StrokeRecorder();
  recorder.begin(0, 0, 0);
  const copy = recorder.toStrokes();
  recorder.move(10, 10, 1);
  assert.equal(copy[0].length, 1);
});

test('recorder_rejects_non_finite_positions', () => {
  const recorder = new StrokeRecorder();
  assert.throws(() => recorder.begin(NaN, 0, 0), /finite/);
});
