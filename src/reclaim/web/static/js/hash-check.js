// The /hash-check page: hash the chosen files on this device, show the codes, and send
// only {pdq, quality, sha256, md5} of each to the echo endpoint, to show what is sent.
import { hashFiles } from "./reclaim-hash.js";

const form = document.getElementById("hash-form");
const input = document.getElementById("hash-files");
const status = document.getElementById("hash-status");
const table = document.getElementById("hash-results");
const body = table.querySelector("tbody");

function cell(row, text, testid) {
  const td = document.createElement("td");
  td.textContent = text;
  if (testid) td.dataset.testid = testid;
  row.appendChild(td);
  return td;
}

async function send(result) {
  const payload = {
    pdq: result.pdq,
    quality: result.quality,
    sha256: result.sha256,
    md5: result.md5,
  };
  const response = await fetch(form.dataset.endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(payload),
    credentials: "same-origin",
    cache: "no-store",
  });
  if (!response.ok) throw new Error(`the server answered ${response.status}`);
  return response.json();
}

input.addEventListener("change", async () => {
  const files = Array.from(input.files || []);
  // Clear the input at once: the page keeps no reference to the file once it is hashed.
  input.value = "";
  if (!files.length) return;
  status.textContent = `Making codes for ${files.length} file(s) on this device…`;
  document.body.dataset.hashing = "running";
  const fractions = new Map();
  const outcomes = await hashFiles(files, {
    onProgress: ({ file, fraction }) => {
      fractions.set(file, fraction);
      const total = [...fractions.values()].reduce((a, b) => a + b, 0) / files.length;
      status.textContent = `Making codes on this device… ${Math.round(total * 100)}%`;
    },
  });
  body.replaceChildren();
  let failed = 0;
  for (const [index, { result, error }] of outcomes.entries()) {
    const row = document.createElement("tr");
    row.dataset.testid = "hash-row";
    cell(row, `File ${index + 1}`);
    if (error) {
      failed++;
      const td = cell(row, error.message, "hash-error");
      td.colSpan = 5;
      td.dataset.code = error.code;
      body.appendChild(row);
      continue;
    }
    cell(row, result.kind === "video" ? `video, ${result.frames.length} frame codes` : result.pdq, "pdq");
    cell(row, result.quality === null ? "" : String(result.quality), "quality");
    cell(row, result.sha256, "sha256");
    cell(row, result.md5, "md5");
    const echo = cell(row, "sending the code…", "echo");
    body.appendChild(row);
    try {
      const reply = await send(result);
      echo.textContent = `${reply.bytes} bytes: ${JSON.stringify(reply.received)}`;
    } catch (e) {
      echo.textContent = `not sent (${e.message})`;
    }
  }
  table.hidden = false;
  status.textContent = failed
    ? `Done. ${files.length - failed} of ${files.length} file(s) have a code. Nothing else was sent.`
    : `Done. Only the codes below were sent; your files stayed on this device.`;
  document.body.dataset.hashing = "done";
});
