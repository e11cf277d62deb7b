import { readFileSync } from 'node:fs';

/** Real CROHME drawings (test/fixtures/crohme-drawings.json): [{label, strokes}]. */
export function crohmeDrawings() {
  return JSON.parse(readFileSync(new URL('../fixtures/crohme-drawings.json', import.meta.url), 'utf8')).samples;
}

/** A drawing scaled and shifted into a `width` x `height` box (with a margin), as a hand would draw it there. */
export function fitInto(strokes, width, height, margin = 20) {
  const points = strokes.flat();
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = Math.min((width - 2 * margin) / Math.max(maxX - minX, 1e-9), (height - 2 * margin) / Math.max(maxY - minY, 1e-9));
  const offX = (width - (maxX - minX) * scale) / 2;
  const offY = (height - (maxY - minY) * scale) / 2;
  return strokes.map((s) => s.map(([x, y]) => [offX + (x - minX) * scale, offY + (y - minY) * scale]));
}
