// reclaim-hash.js: on-device hashing for Reclaim, as a dependency-free ES module.
//
//   import { hashFile } from "/static/js/reclaim-hash.js";
//   const r = await hashFile(file, { onProgress: (p) => ... });
//   // image: {kind: "image", pdq, quality, sha256, md5}
//   // video: {kind: "video", pdq: null, quality: null, sha256, md5, frames: [{t, quality, pdq}]}
//
// The file never leaves the device: this module makes no network request at all. It reads
// the file, decodes it with the browser and computes PDQ (docs/hashing.md), SHA-256
// (WebCrypto) and MD5 in a Web Worker; what the caller then sends is up to the caller.
// See docs/browser-hashing.md.

import { hammingDistance } from "./reclaim-pdq.js";

export { hammingDistance };

export const DEFAULTS = Object.freeze({
  maxImageBytes: 200 * 1024 * 1024,
  maxVideoBytes: 1024 * 1024 * 1024,
  maxPixels: 100_000_000,
  maxVideoSeconds: 300, // frames after this are not hashed; the result says `capped: true`
  fps: 1,
  workers: 0, // 0: min(4, navigator.hardwareConcurrency)
  cli: "reclaim hash",
});

const ALTERNATIVE =
  "Nothing has been sent anywhere. You can save a copy as a JPEG or PNG (or a video as MP4) " +
  "and choose that instead, or an adult helping you can make the code on a computer with " +
  "the free `reclaim hash` tool.";

const MESSAGES = {
  empty: () => "This file is empty, so there is nothing to make a code from.",
  too_large: () => "This file is too big to make a code from in this browser.",
  too_many_pixels: () => "This picture is too big to make a code from in this browser.",
  unreadable: () => "This browser could not read the file. It may have been moved or deleted.",
  damaged: (format) =>
    `This browser could not open this ${format ? `${format} file` : "file"}. It may be damaged, ` +
    "or saved in a way this browser does not read.",
  undecodable: (format) =>
    format
      ? `This browser cannot open ${format} files, so it cannot make a code from this one. ` +
        "That is not your fault, and it is not a problem with your file."
      : "This browser cannot open this file as a photo or a video, so it cannot make a code " +
        "from it. It may be a format this browser does not read, or it may be damaged.",
  video_timeout: () => "This video took too long to open in this browser.",
  internal: () => "Something went wrong on this device while making the code.",
};

/** A file that could not be hashed here. `code` is stable; `message` is for a person. */
export class HashingError extends Error {
  constructor(code, format = null) {
    const text = (MESSAGES[code] || MESSAGES.internal)(format);
    super(`${text} ${ALTERNATIVE}`);
    this.name = "HashingError";
    this.code = code;
    this.format = format;
    this.alternative = ALTERNATIVE;
  }
}

// ---- format sniffing (by content, never by name) ---------------------------------------

const HEIF_BRANDS = new Set(["heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"]);
const AVIF_BRANDS = new Set(["avif", "avis"]);

/** "image", "video" or null, and a format name for messages, from the first bytes. */
export function sniff(head) {
  const b = head;
  const ascii = (o, n) => String.fromCharCode(...b.subarray(o, o + n));
  if (b.length >= 12 && ascii(4, 4) === "ftyp") {
    const size = Math.min(b.length, ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0);
    const brands = [ascii(8, 4)];
    for (let o = 16; o + 4 <= size; o += 4) brands.push(ascii(o, 4));
    if (brands.some((x) => AVIF_BRANDS.has(x))) return { kind: "image", format: "AVIF" };
    if (brands.some((x) => HEIF_BRANDS.has(x))) return { kind: "image", format: "HEIC" };
    return { kind: "video", format: brands[0].trim() === "qt" ? "MOV" : "MP4" };
  }
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) {
    return { kind: "video", format: "WebM" };
  }
  if (ascii(0, 4) === "RIFF" && ascii(8, 4) === "AVI ") return { kind: "video", format: "AVI" };
  if (ascii(0, 4) === "OggS") return { kind: "video", format: "Ogg" };
  if (b[0] === 0xff && b[1] === 0xd8) return { kind: "image", format: "JPEG" };
  if (b[0] === 0x89 && ascii(1, 3) === "PNG") return { kind: "image", format: "PNG" };
  if (ascii(0, 4) === "GIF8") return { kind: "image", format: "GIF" };
  if (ascii(0, 4) === "RIFF" && ascii(8, 4) === "WEBP") return { kind: "image", format: "WebP" };
  if (ascii(0, 2) === "BM") return { kind: "image", format: "BMP" };
  if (ascii(0, 4) === "II*\0" || ascii(0, 4) === "MM\0*") return { kind: "image", format: "TIFF" };
  if (ascii(0, 4) === "8BPS") return { kind: "image", format: "PSD" };
  if (ascii(4, 8) === "jP  \r\n\x87\n" || (b[0] === 0xff && b[1] === 0x4f)) {
    return { kind: "image", format: "JPEG 2000" };
  }
  return { kind: null, format: null };
}

// ---- the worker pool --------------------------------------------------------------------

let pool = null;

class Pool {
  constructor(size) {
    this.size = size;
    this.idle = [];
    this.all = [];
    this.queue = [];
    this.next = 1;
  }

  run(message, transfer, onProgress) {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, transfer, onProgress, resolve, reject });
      this._pump();
    });
  }

  _spawn() {
    const worker = new Worker(new URL("./reclaim-hash-worker.js", import.meta.url), {
      type: "module",
      name: "reclaim-hash",
    });
    this.all.push(worker);
    return worker;
  }

  _pump() {
    while (this.queue.length) {
      let worker = this.idle.pop();
      if (!worker && this.all.length < this.size) worker = this._spawn();
      if (!worker) return;
      const job = this.queue.shift();
      const id = this.next++;
      const finish = () => {
        worker.onmessage = null;
        worker.onerror = null;
        this.idle.push(worker);
        this._pump();
      };
      worker.onmessage = (event) => {
        const data = event.data;
        if (data.id !== id) return;
        if (data.progress) {
          job.onProgress?.(data.progress);
        } else if (data.error) {
          finish();
          job.reject(data.error);
        } else {
          finish();
          job.resolve(data.result);
        }
      };
      worker.onerror = (event) => {
        event.preventDefault?.();
        this.all = this.all.filter((w) => w !== worker);
        worker.terminate();
        job.reject({ code: "internal" });
        this._pump();
      };
      worker.postMessage({ id, ...job.message }, job.transfer || []);
    }
  }

  terminate() {
    for (const worker of this.all) worker.terminate();
    this.all = [];
    this.idle = [];
  }
}

function getPool(options) {
  const cores = (typeof navigator !== "undefined" && navigator.hardwareConcurrency) || 2;
  const size = options.workers > 0 ? options.workers : Math.max(1, Math.min(4, cores));
  if (!pool || pool.size !== size) {
    pool?.terminate();
    pool = new Pool(size);
  }
  return pool;
}

/** Stop the background workers (they are started again when needed). */
export function terminateWorkers() {
  pool?.terminate();
  pool = null;
}

// ---- hashing ------------------------------------------------------------------------------

function workerOptions(options) {
  const { maxImageBytes, maxVideoBytes, maxPixels } = options;
  return { maxImageBytes, maxVideoBytes, maxPixels };
}

// Formats every current browser decodes: failing on one means the file itself is at fault.
const COMMON = new Set(["JPEG", "PNG", "GIF", "WebP", "BMP"]);

function failure(error, format) {
  if (error instanceof HashingError) return error;
  const code = error?.code || "internal";
  if (code === "undecodable" && COMMON.has(format)) return new HashingError("damaged", format);
  return new HashingError(code, format);
}

/**
 * Hash one File (or Blob) on this device.
 *
 * options: onProgress({phase, fraction, file}) with phase "reading" | "fingerprinting" |
 * "decoding" | "hashing" | "frames" | "done"; fps (video, default 1); maxVideoSeconds;
 * maxImageBytes; maxVideoBytes; maxPixels; workers.
 * Rejects with a HashingError (code, message for a person, alternative); never uploads.
 */
export async function hashFile(file, options = {}) {
  const opts = { ...DEFAULTS, ...options };
  const progress = (p) => opts.onProgress?.({ ...p, file });
  let sniffed = { kind: null, format: null };
  try {
    sniffed = sniff(new Uint8Array(await file.slice(0, 64).arrayBuffer()));
  } catch {
    throw new HashingError("unreadable");
  }
  const isVideo =
    sniffed.kind === "video" || (sniffed.kind === null && /^video\//.test(file.type || ""));
  try {
    const result = isVideo
      ? await hashVideo(file, opts, progress, sniffed.format)
      : await getPool(opts).run(
          { op: "image", file, options: workerOptions(opts) },
          [],
          progress,
        );
    progress({ phase: "done", fraction: 1 });
    if (!isVideo) {
      const { kind, pdq, quality, sha256, md5 } = result;
      return { kind, pdq, quality, sha256, md5 };
    }
    return result;
  } catch (error) {
    throw failure(error, sniffed.format);
  }
}

/** Hash several files at once (in parallel workers). Resolves to [{file, result} |
 * {file, error}] in the order given; one failure does not stop the others. */
export function hashFiles(files, options = {}) {
  return Promise.all(
    Array.from(files, (file) =>
      hashFile(file, options).then(
        (result) => ({ file, result }),
        (error) => ({ file, error }),
      ),
    ),
  );
}

/** SHA-256 and MD5 of any file (no decoding). */
export async function digestFile(file, options = {}) {
  const opts = { ...DEFAULTS, maxVideoBytes: Infinity, ...options };
  try {
    return await getPool(opts).run(
      { op: "digest", file, options: workerOptions(opts) },
      [],
      (p) => opts.onProgress?.({ ...p, file }),
    );
  } catch (error) {
    throw failure(error, null);
  }
}

function once(target, events, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(null, new HashingError("video_timeout")), timeoutMs);
    const handlers = {};
    const done = (event, error) => {
      clearTimeout(timer);
      for (const [name, fn] of Object.entries(handlers)) target.removeEventListener(name, fn);
      if (error) reject(error);
      else resolve(event);
    };
    for (const name of events) {
      handlers[name] = (event) => done(event, name === "error" ? { code: "undecodable" } : null);
      target.addEventListener(name, handlers[name]);
    }
  });
}

async function hashVideo(file, opts, progress, format) {
  if (file.size === 0) throw new HashingError("empty");
  if (file.size > opts.maxVideoBytes) throw new HashingError("too_large");
  if (typeof document === "undefined") throw new HashingError("undecodable", format);
  const workers = getPool(opts);
  // The exact-file fingerprints run in a worker while frames are taken here.
  const fingerprints = workers.run({ op: "digest", file, options: workerOptions(opts) }, [], null);
  fingerprints.catch(() => null);
  // A <video> element is only available on the page, so frames are taken here and hashed
  // in the worker. The object URL points at the file in memory: nothing is fetched.
  const url = URL.createObjectURL(file);
  const video = document.createElement("video");
  video.muted = true;
  video.playsInline = true;
  video.preload = "auto";
  try {
    progress({ phase: "decoding", fraction: 0 });
    const loaded = once(video, ["loadeddata", "error"], 30_000);
    video.src = url;
    await loaded;
    let duration = video.duration;
    if (!Number.isFinite(duration)) {
      // Some WebM files do not declare a duration: seeking far ahead reveals it.
      const changed = once(video, ["durationchange", "error"], 30_000);
      video.currentTime = 1e101;
      await changed;
      duration = video.duration;
    }
    if (!Number.isFinite(duration) || !video.videoWidth) {
      throw new HashingError("undecodable", format);
    }
    if (video.videoWidth * video.videoHeight > opts.maxPixels) {
      throw new HashingError("too_many_pixels");
    }
    const limit = Math.min(duration, opts.maxVideoSeconds);
    const step = 1 / opts.fps;
    const count = Math.max(1, Math.ceil(limit / step - 1e-9));
    const frames = [];
    for (let n = 0; n < count; n++) {
      const t = n * step;
      // A hair past t: the frame shown at t, even where t falls exactly on a frame edge.
      const seeked = once(video, ["seeked", "error"], 30_000);
      video.currentTime = Math.min(t + 0.001, duration);
      await seeked;
      const bitmap = await createImageBitmap(video);
      const { pdq, quality } = await workers.run({ op: "frame", bitmap }, [bitmap], null);
      frames.push({ t: Math.round(t * 1000) / 1000, quality, pdq });
      progress({ phase: "frames", fraction: (n + 1) / count });
    }
    const { sha256, md5 } = await fingerprints;
    const result = { kind: "video", pdq: null, quality: null, sha256, md5, frames };
    if (duration > opts.maxVideoSeconds) result.capped = true;
    return result;
  } finally {
    video.removeAttribute("src");
    video.load();
    URL.revokeObjectURL(url);
  }
}
