// Scores -> the top k answers, exactly as the server ranks them (backend/recognizer.py `rank`): best first,
// one entry per glyph group (the best-scored label of each), ties kept in label order (a stable sort).

/**
 * @param {Float32Array|number[]} scores one probability per model label
 * @param {string[]} glyphOfLabel the glyph group of each label
 * @param {number} k
 * @returns {number[]} label indices
 */
export function topDistinct(scores, glyphOfLabel, k) {
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
  const chosen = [];
  const seen = new Set();
  for (const index of order) {
    const glyph = glyphOfLabel[index];
    if (seen.has(glyph)) continue;
    seen.add(glyph);
    chosen.push(index);
    if (chosen.length === k) break;
  }
  return chosen;
}
