// JavaScript port of backend/render.py: the one stroke renderer, step for step.
// Every arithmetic step is the same IEEE-754 double operation in the same order as the Python
// (numpy) version, so the ink counts are identical; tests/golden/render.json proves it in both
// languages (`node --test extension/test`). Read backend/render.py for the specification.

export const RENDER_VERSION = 1;
export const SIZE = 32;
export const SUPERSAMPLE = 4;
export const HI_RES = SIZE * SUPERSAMPLE;
export const HI_PAD = 8;
export const BRUSH_RADIUS_SQ = 10;
export const MAX_COUNT = SUPERSAMPLE * SUPERSAMPLE;
export const MIN_EXTENT = 1e-6;

const BRUSH_REACH = Math.floor(Math.sqrt(BRUSH_RADIUS_SQ));
const BRUSH = (() => {
  const reach = BRUSH_REACH;
  const offsets = [];
  for (let dy = -reach; dy <= reach; dy++) {
    for (let dx = -reach; dx <= reach; dx++) {
      if (dx * dx + dy * dy <= BRUSH_RADIUS_SQ) offsets.push([dx, dy]);
    }
  }
  return offsets;
})();

// Normalisation keeps samples inside [HI_PAD, HI_RES - HI_PAD]; the clamp never changes a pixel,
// it only states that the brush cannot leave the canvas (same clamp as the Python version).
function clamp(v) {
  const low = BRUSH_REACH;
  const high = HI_RES - 1 - BRUSH_REACH;
  return v < low ? low : v > high ? high : v;
}

/**
 * Render strokes ([[x, y] or [x, y, t], ...] per stroke) to 32*32 ink counts 0..16, row-major.
 * @param {number[][][]} strokes
 * @returns {Uint8Array}
 */
export function renderCounts(strokes) {
  if (!Array.isArray(strokes) || strokes.length === 0) throw new Error('the drawing has no strokes');
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  strokes.forEach((stroke, index) => {
    if (stroke.length === 0) throw new Error(`stroke ${index} has no points`);
    for (const p of stroke) {
      const x = p[0];
      const y = p[1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        throw new Error('the drawing has a coordinate that is not a finite number');
      }
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  });
  const extent = Math.max(maxX - minX, maxY - minY);
  const scale = extent >= MIN_EXTENT ? (HI_RES - 2 * HI_PAD) / extent : 0;
  const centreX = (minX + maxX) / 2;
  const centreY = (minY + maxY) / 2;
  const half = HI_RES / 2;

  const canvas = new Uint8Array(HI_RES * HI_RES);
  const ink = (sx, sy) => {
    const px = clamp(Math.floor(sx));
    const py = clamp(Math.floor(sy));
    for (const [ox, oy] of BRUSH) canvas[(py + oy) * HI_RES + px + ox] = 1;
  };

  for (const stroke of strokes) {
    const xs = stroke.map((p) => (p[0] - centreX) * scale + half);
    const ys = stroke.map((p) => (p[1] - centreY) * scale + half);
    if (xs.length === 1) {
      xs.push(xs[0]);
      ys.push(ys[0]);
    }
    for (let s = 0; s + 1 < xs.length; s++) {
      const x0 = xs[s];
      const y0 = ys[s];
      const dx = xs[s + 1] - x0;
      const dy = ys[s + 1] - y0;
      const n = Math.max(1, Math.ceil(Math.max(Math.abs(dx), Math.abs(dy))));
      for (let i = 0; i <= n; i++) {
        const t = i / n;
        ink(x0 + dx * t, y0 + dy * t);
      }
    }
  }

  const counts = new Uint8Array(SIZE * SIZE);
  for (let y = 0; y < HI_RES; y++) {
    const row = ((y / SUPERSAMPLE) | 0) * SIZE;
    for (let x = 0; x < HI_RES; x++) {
      counts[row + ((x / SUPERSAMPLE) | 0)] += canvas[y * HI_RES + x];
    }
  }
  return counts;
}

/**
 * The model input for one drawing: Float32Array of 32*32 values count/16 (ink = 1).
 * @param {number[][][]} strokes
 */
export function render(strokes) {
  const counts = renderCounts(strokes);
  const out = new Float32Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = counts[i] / MAX_COUNT;
  return out;
}
