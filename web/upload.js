// Upload a recorded real call from the calls page: the file goes as the raw request body
// (POST /api/calls/upload), with a progress bar; once scored, its replay opens.
import { el } from "./replay-api.js";

const $ = (id) => document.getElementById(id);

function status(text, busy = false) {
  $("upload-status").textContent = text;
  $("upload-submit").disabled = busy;
}

function reason(xhr) {
  try {
    const body = JSON.parse(xhr.responseText);
    if (typeof body.detail === "string") return body.detail;
  } catch (_) { /* not JSON: fall through */ }
  return `the server answered ${xhr.status}`;
}

function send(file, scenario) {
  const query = new URLSearchParams({ scenario, filename: file.name.slice(0, 200) });
  const xhr = new XMLHttpRequest();
  xhr.open("POST", `/api/calls/upload?${query}`);
  xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
  const bar = $("upload-progress");
  bar.hidden = false;
  bar.value = 0;
  xhr.upload.onprogress = (event) => {
    if (event.lengthComputable) bar.value = event.loaded / event.total;
    status(`uploading… ${Math.round(100 * bar.value)}%`, true);
  };
  xhr.upload.onload = () => {
    bar.value = 1;
    bar.removeAttribute("value"); // indeterminate while the server transcribes and scores
    status("transcribing and scoring…", true);
  };
  xhr.onload = () => {
    if (xhr.status === 201) {
      const call = JSON.parse(xhr.responseText);
      status("scored: opening its replay", true);
      location.assign(`/calls/${call.id}`);
      return;
    }
    if (xhr.status === 401) {
      location.assign(`/login?next=${encodeURIComponent("/calls")}`);
      return;
    }
    bar.hidden = true;
    status(`Not scored: ${reason(xhr)}`);
  };
  xhr.onerror = () => {
    bar.hidden = true;
    status("The upload did not reach the server; check the connection and try again.");
  };
  xhr.send(file);
}

export function setUpUpload(scenarios) {
  const select = $("upload-scenario");
  for (const s of scenarios) select.append(el("option", { value: s.id }, s.title));
  $("upload-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const file = $("upload-file").files[0];
    if (!file) {
      status("Pick a recording first.");
      return;
    }
    send(file, select.value);
  });
}
