// The report page: photos and videos are hashed on this device by reclaim-hash.js (with
// progress and local previews); only the codes and what was typed are sent, as JSON, to
// POST /api/v1/reports. The files themselves are never read by anything that sends.
import { hashFile } from "./reclaim-hash.js";

const form = document.getElementById("report-form");
const input = document.getElementById("report-files");
const progress = document.getElementById("hash-progress");
const statusLine = document.getElementById("hash-status");
const previews = document.getElementById("previews");
const errorBox = document.getElementById("js-error");
const area = document.getElementById("report-area");
const made = document.getElementById("made");
// The words come from the page (data-msg-* on #hash-step), so they are in the page's language.
const words = document.getElementById("hash-step");
const say = (name, values = {}) =>
  (words.dataset["msg" + name] || "").replace(/\{(\w+)\}/g, (all, key) =>
    key in values ? String(values[key]) : all,
  );

document.getElementById("needs-js").hidden = true;
document.getElementById("hash-step").hidden = false;

const hashed = []; // {kind, sha256, md5, pdq, quality, frames}
const blobUrls = [];
let busy = 0;
// One key per report being sent: pressing Send again after a lost answer (or a retry below)
// sends the same key, and the server answers with the report it already made, not a second.
let submissionKey = null;

function newSubmissionKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function postReport(body) {
  // A dropped connection is retried once with the same key: it may have been made already.
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(form.dataset.api, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": submissionKey },
        body: JSON.stringify(body),
        credentials: "same-origin",
        cache: "no-store",
      });
    } catch (error) {
      if (attempt >= 1) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
let counts = { image: 0, video: 0 };

function showError(text) {
  errorBox.textContent = text;
  errorBox.hidden = !text;
  if (text) errorBox.scrollIntoView({ block: "center" });
}

// Why a file has no code, in the page's language (reclaim-hash.js's HashingError has a stable
// code; its own message is English), with what to do instead.
function whyNoCode(error) {
  const code = String((error && error.code) || "internal").replace(/(^|_)(\w)/g, (all, sep, c) =>
    c.toUpperCase(),
  );
  const anyFormat = error && !error.format && (code === "Damaged" || code === "Undecodable");
  const reason = say(`Error${code}${anyFormat ? "Any" : ""}`, { format: (error && error.format) || "" });
  if (!reason) return (error && error.message) || say("Failed");
  return `${reason} ${say("ErrorAlternative")}`;
}

function preview(file) {
  const item = document.createElement("li");
  const isVideo = (file.type || "").startsWith("video/");
  const kind = isVideo ? "video" : "image";
  counts[kind] += 1;
  const label = say(isVideo ? "Video" : "Photo", { n: counts[kind] });
  const url = URL.createObjectURL(file); // a local blob: URL, never sent anywhere
  blobUrls.push(url);
  const media = document.createElement(isVideo ? "video" : "img");
  media.src = url;
  if (isVideo) media.muted = true;
  else media.alt = say("Chosen", { label });
  if (isVideo) media.setAttribute("aria-label", say("Chosen", { label }));
  const caption = document.createElement("span");
  caption.textContent = say("Making", { label });
  item.append(media, caption);
  previews.appendChild(item);
  return { caption, label };
}

input.addEventListener("change", async () => {
  const files = Array.from(input.files || []);
  input.value = ""; // keep no reference to the files
  if (!files.length) return;
  showError("");
  busy += files.length;
  progress.hidden = false;
  const total = files.length;
  let done = 0;
  for (const file of files) {
    const { caption, label } = preview(file);
    try {
      const result = await hashFile(file, {
        onProgress: ({ fraction }) => {
          const value = Math.round(((done + fraction) / total) * 100);
          progress.value = value;
          statusLine.textContent = say("Progress", { percent: `${value}%` });
        },
      });
      const entry = { kind: result.kind === "video" ? "video" : "image", sha256: result.sha256, md5: result.md5 };
      if (entry.kind === "video") {
        if (result.frames && result.frames.length) {
          entry.frames = result.frames.map((f) => ({ t: f.t, quality: f.quality, pdq: f.pdq }));
        }
      } else if (result.pdq) {
        entry.pdq = result.pdq;
        entry.quality = result.quality;
      }
      hashed.push(entry);
      caption.textContent = say("Ready", { label });
    } catch (error) {
      caption.textContent = `${label}: ${whyNoCode(error)}`;
    }
    done += 1;
    busy -= 1;
  }
  progress.value = 100;
  statusLine.textContent = say("Done", { n: hashed.length });
  document.body.dataset.hashing = "done";
});

function zeroBits(bytes) {
  let bits = 0;
  for (const byte of bytes) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

async function solve(challenge, bits) {
  const encoder = new TextEncoder();
  for (let nonce = 0; ; nonce++) {
    const digest = await crypto.subtle.digest("SHA-256", encoder.encode(`${challenge}:${nonce}`));
    if (zeroBits(new Uint8Array(digest)) >= bits) return String(nonce);
  }
}

function text(name) {
  const value = new FormData(form).get(name);
  return typeof value === "string" ? value.trim() : "";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (busy > 0) {
    showError(say("Wait"));
    return;
  }
  const urls = text("urls").split("\n").map((u) => u.trim()).filter(Boolean);
  if (!hashed.length && !urls.length) {
    showError(say("Nothing"));
    return;
  }
  showError("");
  const button = document.getElementById("send-report");
  button.disabled = true;
  statusLine.textContent = say("Sending");
  const threatened = text("threatened");
  const body = {
    age_group: text("age_group"),
    country: text("country"),
    files: hashed,
    urls,
    apps: text("apps"),
    who_has_it: text("who_has_it"),
    threatened: threatened === "yes" ? true : threatened === "no" ? false : null,
    feels_safe: text("feels_safe") || null,
    contact: text("contact") || null,
    website: text("website"),
    made_by_adult: text("made_by_adult") === "yes",
  };
  // A report that signals danger never asks this phone for extra work (see docs/security.md).
  // A report by or for a child under 13 is always urgent (an immediate referral).
  const urgent = body.threatened === true || body.feels_safe === "no" ||
    body.feels_safe === "not_sure" || body.age_group === "under13";
  try {
    let response;
    let data;
    // A busy connection (a school network) may be asked for more work between the challenge
    // and the report: then fetch a new challenge and send again, a few times at most.
    for (let attempt = 0; attempt < 3; attempt++) {
      const challenge = await (
        await fetch(`/api/v1/reports/challenge${urgent ? "?urgent=true" : ""}`, { cache: "no-store" })
      ).json();
      if (challenge.bits) {
        body.proof = { challenge: challenge.challenge, nonce: await solve(challenge.challenge, challenge.bits) };
      }
      submissionKey = submissionKey || newSubmissionKey();
      response = await postReport(body);
      data = await response.json();
      if (!(response.status === 400 && String(data.type || "").endsWith("proof-rejected"))) break;
    }
    if (!response.ok) {
      showError(data.detail || say("Wrong"));
      button.disabled = false;
      return;
    }
    submissionKey = null; // made: a next report is a new one
    made.querySelector('[data-slot="reference"]').textContent = data.reference_display;
    made.querySelector('[data-slot="pin"]').textContent = data.pin;
    made.querySelector("[data-urgent-panel]").hidden = !data.urgent;
    // Say back what they told us (not safe, not sure, threatened), nothing else.
    made.querySelector('[data-said="no"]').hidden = body.feels_safe !== "no";
    made.querySelector('[data-said="not_sure"]').hidden = body.feels_safe !== "not_sure";
    made.querySelector('[data-said="threatened"]').hidden = body.threatened !== true;
    made.querySelector("[data-alerted]").hidden = !data.staff_alerted;
    made.querySelector("[data-exact-note]").hidden = !data.exact_only.length;
    blobUrls.forEach((url) => URL.revokeObjectURL(url));
    previews.replaceChildren();
    hashed.length = 0;
    area.remove();
    made.hidden = false;
    document.title = `${say("Title")} · Reclaim`;
    document.getElementById("made-title").focus();
    document.dispatchEvent(new Event("reclaim:made")); // keep-pin.js: print, copy, "saved"
  } catch (error) {
    showError(say("Offline"));
    button.disabled = false;
  }
});
