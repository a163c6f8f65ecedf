// Recording the conversation as a test: the record button starts and stops a recording
// (/lizi/record/start, /lizi/record/stop), the header shows that one runs (whoever started
// it: this page, another tab, `lizi record`), and "save as test" downloads the scenario
// file that `lizi test` runs as it is.
"use strict";

Object.assign(TEXTS.zh, {
  record: "录制", record_stop: "停止录制", recording: "● 录制中 · {0} 步", save_test: "保存为测试",
  recorded: "已录制 {0} 步，可保存为测试",
});
Object.assign(TEXTS.en, {
  record: "Record", record_stop: "Stop recording", recording: "● recording · {0} steps", save_test: "Save as test",
  recorded: "Recorded {0} steps: save them as a test",
});

const recorder = { running: false, steps: 0, file: null, timer: null };

function renderRecorder() {
  const button = $("#record");
  button.textContent = t(recorder.running ? "record_stop" : "record");
  button.classList.toggle("recording", recorder.running);
  const badge = $("#record-state");
  badge.hidden = !recorder.running;
  badge.textContent = t("recording", recorder.steps);
  $("#record-save").hidden = recorder.running || recorder.file === null;
}

/** Reads whether a recording runs (started here or elsewhere), every second while one does. */
async function watchRecording() {
  clearTimeout(recorder.timer);
  try {
    const status = await request("/lizi/record");
    recorder.running = status.recording === true;
    recorder.steps = status.steps || 0;
  } catch (_) {
    recorder.running = false;
  }
  renderRecorder();
  if (recorder.running) recorder.timer = setTimeout(watchRecording, 1000);
}

async function toggleRecording() {
  if (!recorder.running) {
    const started = await attempt(() => request("/lizi/record/start", { method: "POST" }));
    if (started) recorder.file = null;
    await watchRecording();
    return;
  }
  await attempt(async () => {
    const response = await fetch("/lizi/record/stop", {
      method: "POST",
      credentials: "same-origin",
      headers: state.token ? { Authorization: "Bearer " + state.token } : {},
    });
    const text = await response.text();
    if (!response.ok) {
      let reason = text;
      try { reason = JSON.parse(text).error || text; } catch (_) { /* not JSON: the text says why */ }
      throw new Refused(reason);
    }
    recorder.file = text;
    const steps = (text.match(/^\[\[step\]\]$/gm) || []).length;
    toast(t("recorded", steps));
  });
  await watchRecording();
}

/** Downloads the recorded scenario as `recorded.toml`. */
function saveRecording() {
  if (recorder.file === null) return;
  const link = element("a", {
    href: URL.createObjectURL(new Blob([recorder.file], { type: "application/toml" })),
    download: "recorded.toml",
  });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

function wireRecorder() {
  $("#record").addEventListener("click", toggleRecording);
  $("#record-save").addEventListener("click", saveRecording);
  renderRecorder();
}
