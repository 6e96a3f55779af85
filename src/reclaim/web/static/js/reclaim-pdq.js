// PDQ (Meta's perceptual hash) in plain JavaScript: the algorithm of docs/hashing.md
// ("PDQ, step by step"), the same as src/reclaim/hashing/pdq.py, step for step.
//
//   pdqFromLuma(luma, rows, cols) -> {pdq: 64 lowercase hex digits, quality: 0..100}
//   new TentFilter(rows, cols): .addRow(y, lumaRow) for every row, then .pdq()
//
// `luma` is a Float32Array (row-major, rows x cols) of luminance on the 0..255 scale.
// TentFilter is the same computation fed one row at a time (an image read in strips),
// so a large photo is hashed on every pixel without a full-size luminance buffer.
// No dependencies; works in a window or a worker.

const SIDE = 64;
const DCT_SIDE = 16;
export const MIN_HASHABLE_SIDE = 5;
export const ZERO_HASH = "0".repeat(64);

// D[i][j] = sqrt(2/64) cos(pi/128 (i+1)(2j+1)), i < 16, j < 64 (the DC term is skipped).
const DCT = (() => {
  const m = new Float64Array(DCT_SIDE * SIDE);
  const scale = Math.sqrt(2 / SIDE);
  for (let i = 0; i < DCT_SIDE; i++) {
    for (let j = 0; j < SIDE; j++) {
      m[i * SIDE + j] = scale * Math.cos((Math.PI / 2 / SIDE) * (i + 1) * (2 * j + 1));
    }
  }
  return m;
})();

const operators = new Map();

// The tent filter (two passes of the C++ box1DFloat, window ceil(n/128)) and the
// decimation to 64 samples of one axis of length n, as 64 bands of exact weights:
// output k = sum over x of weights[k][x - first[k]] * input[x].
function axisOperator(n) {
  let op = operators.get(n);
  if (op) return op;
  const full = Math.floor((n + 2 * SIDE - 1) / (2 * SIDE));
  const half = Math.floor((full + 2) / 2);
  const lo = (i) => Math.max(i + half - full, 0);
  const hi = (i) => Math.min(i + half - 1, n - 1);
  const first = new Int32Array(SIDE);
  const weights = [];
  for (let k = 0; k < SIDE; k++) {
    const s = Math.floor(((k + 0.5) * n) / SIDE);
    const a = lo(s);
    const b = hi(s);
    const m = b - a + 1;
    first[k] = lo(a);
    const w = new Float64Array(hi(b) - lo(a) + 1);
    for (let j = a; j <= b; j++) {
      const l = lo(j);
      const h = hi(j);
      const v = 1 / (m * (h - l + 1));
      for (let x = l; x <= h; x++) w[x - first[k]] += v;
    }
    weights.push(w);
  }
  op = { first, weights };
  if (operators.size > 64) operators.clear();
  operators.set(n, op);
  return op;
}

// Tent-filter and decimate to 64 x 64, fed a row of luminance at a time (any order):
// each input row y adds weight * row to the (one or two) output rows whose tent covers
// it; the pass along the columns runs on the 64 x cols result. The same weights, so
// the same values (to float rounding) as downsample64 on the whole matrix, on every
// pixel: no pre-reduction (it aliased fine texture away from pdqhash's hash).
export class TentFilter {
  constructor(rows, cols) {
    this.rows = rows;
    this.cols = cols;
    this.exact = rows === SIDE && cols === SIDE; // the reference skips the filter
    this.byRows = new Float64Array(SIDE * cols);
    this.targets = [];
    if (this.exact || rows < MIN_HASHABLE_SIDE || cols < MIN_HASHABLE_SIDE) return;
    const op = axisOperator(rows);
    const targets = Array.from({ length: rows }, () => []);
    for (let k = 0; k < SIDE; k++) {
      const w = op.weights[k];
      for (let t = 0; t < w.length; t++) if (w[t] !== 0) targets[op.first[k] + t].push(k, w[t]);
    }
    this.targets = targets;
  }

  addRow(y, row) {
    const cols = this.cols;
    const byRows = this.byRows;
    if (this.exact) {
      byRows.set(row.subarray(0, cols), y * cols);
      return;
    }
    const targets = this.targets[y];
    if (!targets) return;
    for (let i = 0; i < targets.length; i += 2) {
      const out = targets[i] * cols;
      const weight = targets[i + 1];
      for (let c = 0; c < cols; c++) byRows[out + c] += weight * row[c];
    }
  }

  block() {
    const block = new Float32Array(SIDE * SIDE);
    if (this.exact) {
      block.set(this.byRows);
      return block;
    }
    const cols = this.cols;
    const colOp = axisOperator(cols);
    for (let r = 0; r < SIDE; r++) {
      const row = r * cols;
      for (let k = 0; k < SIDE; k++) {
        const w = colOp.weights[k];
        const c0 = row + colOp.first[k];
        let sum = 0;
        for (let t = 0; t < w.length; t++) sum += w[t] * this.byRows[c0 + t];
        block[r * SIDE + k] = sum; // stored as float32, as the reference
      }
    }
    return block;
  }

  pdq() {
    if (this.rows < MIN_HASHABLE_SIDE || this.cols < MIN_HASHABLE_SIDE) {
      return { pdq: ZERO_HASH, quality: 0 };
    }
    const block = this.block();
    return { pdq: thresholdHex(dct16(block)), quality: qualityOf(block) };
  }
}

// Tent-filter and decimate to 64 x 64 (a 64 x 64 input is used as it is).
export function downsample64(luma, rows, cols) {
  const block = new Float32Array(SIDE * SIDE);
  if (rows === SIDE && cols === SIDE) {
    block.set(luma);
    return block;
  }
  const rowOp = axisOperator(rows);
  const colOp = axisOperator(cols);
  const byRows = new Float64Array(SIDE * cols);
  for (let k = 0; k < SIDE; k++) {
    const w = rowOp.weights[k];
    const r0 = rowOp.first[k];
    const out = k * cols;
    for (let t = 0; t < w.length; t++) {
      const weight = w[t];
      const src = (r0 + t) * cols;
      for (let c = 0; c < cols; c++) byRows[out + c] += weight * luma[src + c];
    }
  }
  for (let r = 0; r < SIDE; r++) {
    const row = r * cols;
    for (let k = 0; k < SIDE; k++) {
      const w = colOp.weights[k];
      const c0 = row + colOp.first[k];
      let sum = 0;
      for (let t = 0; t < w.length; t++) sum += w[t] * byRows[c0 + t];
      block[r * SIDE + k] = sum; // stored as float32, as the reference
    }
  }
  return block;
}

// pdqImageDomainQualityMetric, in float32 arithmetic.
export function qualityOf(block) {
  const f = Math.fround;
  const hundred = f(100);
  const div = f(255);
  let sum = 0;
  for (let i = 0; i < SIDE - 1; i++) {
    for (let j = 0; j < SIDE; j++) {
      const d = f(block[i * SIDE + j] - block[(i + 1) * SIDE + j]);
      sum += Math.abs(Math.trunc(f(f(d * hundred) / div)));
    }
  }
  for (let i = 0; i < SIDE; i++) {
    for (let j = 0; j < SIDE - 1; j++) {
      const d = f(block[i * SIDE + j] - block[i * SIDE + j + 1]);
      sum += Math.abs(Math.trunc(f(f(d * hundred) / div)));
    }
  }
  return Math.min(Math.floor(sum / 90), 100);
}

// B = D A D^T (16 x 16).
export function dct16(block) {
  const t = new Float64Array(DCT_SIDE * SIDE);
  for (let i = 0; i < DCT_SIDE; i++) {
    for (let r = 0; r < SIDE; r++) {
      const d = DCT[i * SIDE + r];
      const row = r * SIDE;
      const out = i * SIDE;
      for (let c = 0; c < SIDE; c++) t[out + c] += d * block[row + c];
    }
  }
  const b = new Float64Array(DCT_SIDE * DCT_SIDE);
  for (let i = 0; i < DCT_SIDE; i++) {
    for (let j = 0; j < DCT_SIDE; j++) {
      let sum = 0;
      for (let c = 0; c < SIDE; c++) sum += t[i * SIDE + c] * DCT[j * SIDE + c];
      b[i * DCT_SIDE + j] = sum;
    }
  }
  return b;
}

// Bit 16i+j is B[i][j] > the lower median; hex of the 256-bit integer in which bit n has
// weight 2^n (C++ Hash256::format, pdqhash and python-threatexchange's string).
export function thresholdHex(coefficients) {
  const sorted = Float64Array.from(coefficients).sort();
  const median = sorted[127];
  let hex = "";
  for (let d = 0; d < 64; d++) {
    const base = (63 - d) * 4;
    let nibble = 0;
    for (let b = 0; b < 4; b++) if (coefficients[base + b] > median) nibble |= 1 << b;
    hex += nibble.toString(16);
  }
  return hex;
}

export function pdqFromLuma(luma, rows, cols) {
  if (rows < MIN_HASHABLE_SIDE || cols < MIN_HASHABLE_SIDE) {
    return { pdq: ZERO_HASH, quality: 0 };
  }
  const block = downsample64(luma, rows, cols);
  return { pdq: thresholdHex(dct16(block)), quality: qualityOf(block) };
}

// Number of differing bits between two PDQ hashes (64 hex digits each).
export function hammingDistance(a, b) {
  if (!/^[0-9a-fA-F]{64}$/.test(a) || !/^[0-9a-fA-F]{64}$/.test(b)) {
    throw new TypeError("a PDQ hash is 64 hex digits");
  }
  let n = 0;
  for (let i = 0; i < 64; i += 8) {
    let x = parseInt(a.slice(i, i + 8), 16) ^ parseInt(b.slice(i, i + 8), 16);
    while (x) {
      x &= x - 1;
      n++;
    }
  }
  return n;
}
