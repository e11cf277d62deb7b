// Exact dot products of many int16 rows with one int16 query: the personal blend's one hot loop (1,000 examples x
// 192 dimensions per answer). WebAssembly SIMD does eight products per step where the runtime allows it (every
// current Chrome, Firefox and Node; a page whose CSP forbids WebAssembly falls back), plain JavaScript otherwise.
// Both give the same integers, exactly (the reasoning is in integer-dots.wat), so which one ran never changes an
// answer. No DOM, no browser API: it runs in a service worker, a page and Node.

// integer-dots.wat assembled by wabt 1.0.39 (`node tools/assemble-kernel.mjs` writes it; test/integer-dots.test.mjs
// re-assembles it and compares).
export const KERNEL_BASE64 = 'AGFzbQEAAAABCQFgBX9/f39/AAMCAQAFAwEAAQcRAgZtZW1vcnkCAARkb3RzAAAKogEBnwECA38CeyAEIAJBA3RqIQUCQANAIAQgBU8NAf0MAAAAAAAAAAAAAAAAAAAAACEIIAEhByAAIANBAXRqIQYCQANAIAAgBk8NASAA/QAEACAH/QAEAP26ASEJIAggCf3HAf3OASEIIAggCf3IAf3OASEIIABBEGohACAHQRBqIQcMAAsLIAQgCP0dACAI/R0BfLk5AwAgBEEIaiEEDAALCws=';

// int16 lanes in one 128-bit step: rows are stored padded with zeros to a multiple of this.
const LANES = 8;
const PAGE_BYTES = 65536;

let kernel; // undefined: not tried yet; null: this runtime cannot run it

function decodeBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The compiled kernel, or null where WebAssembly or its SIMD is missing or forbidden (compiled once, ~200 bytes). */
export function simdKernel() {
  if (kernel !== undefined) return kernel;
  try {
    const bytes = decodeBase64(KERNEL_BASE64);
    kernel = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    kernel = null; // e.g. a Content-Security-Policy without 'wasm-unsafe-eval'
  }
  return kernel;
}

/**
 * `count` rows of `dim` integers and one query row; `dots()` returns each row's dot product with the query.
 * Fill `row(i)` and `query` with integers in [-32767, 32767] (never -32768: see integer-dots.wat). They are int16
 * in WebAssembly memory, or doubles for the JavaScript loop (`simd` false, or no kernel: `this.simd` says which).
 */
export class IntegerRows {
  constructor(count, dim, { simd = true } = {}) {
    this.count = count;
    this.dim = dim;
    this.stride = Math.ceil(dim / LANES) * LANES;
    const rowBytes = count * this.stride * 2;
    const queryBytes = this.stride * 2;
    const bytes = rowBytes + queryBytes + count * 8;
    const module = simd ? simdKernel() : null;
    this.simd = module !== null;
    if (module) {
      this.instance = new WebAssembly.Instance(module);
      const memory = this.instance.exports.memory;
      const pages = Math.ceil(bytes / PAGE_BYTES) - memory.buffer.byteLength / PAGE_BYTES;
      if (pages > 0) memory.grow(pages); // before any view is taken: growing detaches old views
      this.rows = new Int16Array(memory.buffer, 0, count * this.stride);
      this.query = new Int16Array(memory.buffer, rowBytes, this.stride);
      this.results = new Float64Array(memory.buffer, rowBytes + queryBytes, count);
    } else {
      // The JavaScript loop reads doubles faster than int16 (0.11 against 0.22 ms for 1,000 x 192); same integers.
      this.instance = null;
      this.rows = new Float64Array(count * this.stride);
      this.query = new Float64Array(this.stride);
      this.results = new Float64Array(count);
    }
  }

  /** Row i's first `dim` values, to fill; the padding after them stays zero. */
  row(i) {
    return this.rows.subarray(i * this.stride, i * this.stride + this.dim);
  }

  /** dot(row i, query) for every row, as exact integer doubles; the array is reused by the next call. */
  dots() {
    const { count, stride, rows, query, results } = this;
    if (this.instance) {
      this.instance.exports.dots(rows.byteOffset, query.byteOffset, count, stride, results.byteOffset);
      return results;
    }
    for (let i = 0, at = 0; i < count; i++, at += stride) {
      // Four independent sums for speed: every partial sum is an exact integer, so the order does not matter.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let d = 0; d < stride; d += 4) {
        s0 += rows[at + d] * query[d];
        s1 += rows[at + d + 1] * query[d + 1];
        s2 += rows[at + d + 2] * query[d + 2];
        s3 += rows[at + d + 3] * query[d + 3];
      }
      results[i] = s0 + s1 + (s2 + s3);
    }
    return results;
  }
}
