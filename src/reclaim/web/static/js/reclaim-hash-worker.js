// The Web Worker behind reclaim-hash.js: reads, decodes and hashes, off the page's thread.
// It never makes a network request: it only answers the page that started it.
//
// Messages in:  {id, op: "image", file, options} | {id, op: "digest", file, options}
//               | {id, op: "frame", bitmap}
// Messages out: {id, progress: {phase, fraction}} | {id, result} | {id, error: {code}}

import { Md5 } from "./reclaim-md5.js";
import { TentFilter } from "./reclaim-pdq.js";

const STRIP_ROWS = 256;
const CHUNK = 4 * 1024 * 1024;
const LUMA_R = 0.299;
const LUMA_G = 0.587;
const LUMA_B = 0.114;

class WorkerError extends Error {
  constructor(code, detail = {}) {
    super(code);
    this.code = code;
    this.detail = detail;
  }
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

// SHA-256 (WebCrypto) and MD5 of the exact bytes.
async function digests(bytes, report) {
  const sha = crypto.subtle.digest("SHA-256", bytes);
  const md5 = new Md5();
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    md5.update(bytes.subarray(offset, Math.min(offset + CHUNK, bytes.length)));
    report("fingerprinting", Math.min(1, (offset + CHUNK) / bytes.length));
  }
  return { sha256: hex(await sha), md5: md5.hex() };
}

// PDQ of a decoded (and already oriented) bitmap, composited onto opaque white, on
// every pixel (no pre-reduction: it moved large textured photos tens of bits away from
// pdqhash). The bitmap is drawn in strips of 256 rows; each row's luminance
// 0.299 R + 0.587 G + 0.114 B goes straight into the tent filter, so a 12 MP photo
// never needs a 48 MB pixel buffer or a full-size luminance matrix in JavaScript.
function pdqOfBitmap(bitmap) {
  const width = bitmap.width;
  const height = bitmap.height;
  const filter = new TentFilter(height, width);
  const stripRows = Math.min(STRIP_ROWS, height);
  const canvas = new OffscreenCanvas(width, stripRows);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.imageSmoothingEnabled = false;
  const row = new Float64Array(width);
  for (let y0 = 0; y0 < height; y0 += stripRows) {
    const h = Math.min(stripRows, height - y0);
    ctx.fillStyle = "#ffffff";
    ctx.globalCompositeOperation = "copy";
    ctx.fillRect(0, 0, width, h);
    ctx.globalCompositeOperation = "source-over";
    ctx.drawImage(bitmap, 0, -y0); // alpha composited onto the white: C*a + 255*(1 - a)
    const data = ctx.getImageData(0, 0, width, h, { colorSpace: "srgb" }).data;
    for (let y = 0; y < h; y++) {
      let p = y * width * 4;
      for (let x = 0; x < width; x++, p += 4) {
        row[x] = LUMA_R * data[p] + LUMA_G * data[p + 1] + LUMA_B * data[p + 2];
      }
      filter.addRow(y0 + y, row);
    }
  }
  return filter.pdq();
}

async function readAll(file, limit) {
  if (file.size === 0) throw new WorkerError("empty");
  if (file.size > limit) throw new WorkerError("too_large", { limit });
  try {
    return new Uint8Array(await file.arrayBuffer());
  } catch {
    throw new WorkerError("unreadable");
  }
}

async function hashImage(file, options, report) {
  report("reading", 0);
  const bytes = await readAll(file, options.maxImageBytes);
  const fingerprints = digests(bytes, report);
  report("decoding", 0);
  let bitmap;
  try {
    // EXIF orientation applied by the decoder ("from-image"), embedded colour profiles not
    // applied ("none"): the stored RGB values, as every PDQ implementation uses.
    bitmap = await createImageBitmap(new Blob([bytes]), {
      imageOrientation: "from-image",
      colorSpaceConversion: "none",
      premultiplyAlpha: "default",
    });
  } catch {
    await fingerprints.catch(() => null);
    throw new WorkerError("undecodable");
  }
  try {
    if (bitmap.width * bitmap.height > options.maxPixels) {
      throw new WorkerError("too_many_pixels");
    }
    report("hashing", 0);
    const { pdq, quality } = pdqOfBitmap(bitmap);
    const { sha256, md5 } = await fingerprints;
    report("hashing", 1);
    return {
      kind: "image",
      pdq,
      quality,
      sha256,
      md5,
      width: bitmap.width,
      height: bitmap.height,
    };
  } finally {
    bitmap.close();
  }
}

async function hashDigest(file, options, report) {
  report("reading", 0);
  const bytes = await readAll(file, options.maxVideoBytes);
  return digests(bytes, report);
}

function hashFrame(bitmap) {
  try {
    return pdqOfBitmap(bitmap); // video frames: full size, like vpdq
  } finally {
    bitmap.close();
  }
}

self.onmessage = async (event) => {
  const { id, op } = event.data;
  const report = (phase, fraction) => self.postMessage({ id, progress: { phase, fraction } });
  try {
    let result;
    if (op === "image") result = await hashImage(event.data.file, event.data.options, report);
    else if (op === "digest") result = await hashDigest(event.data.file, event.data.options, report);
    else if (op === "frame") result = hashFrame(event.data.bitmap);
    else throw new WorkerError("internal");
    self.postMessage({ id, result });
  } catch (error) {
    const code = error instanceof WorkerError ? error.code : "internal";
    const detail = error instanceof WorkerError ? error.detail : { name: String(error?.name) };
    self.postMessage({ id, error: { code, detail } });
  }
};
