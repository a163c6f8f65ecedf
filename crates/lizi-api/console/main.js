// Wiring the page: languages, tabs, the composer's keys, paste and drop, login; start.
"use strict";

function translate() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("#lang").textContent = state.lang === "zh" ? "English" : "中文";
  document.title = state.lang === "zh" ? "lizi 控制台" : "lizi console";
}

function showTab(name) {
  for (const button of document.querySelectorAll("#side-tabs button")) button.classList.toggle("active", button.dataset.tab === name);
  for (const tab of document.querySelectorAll("#side .tab")) tab.hidden = tab.id !== "tab-" + name;
  if (name === "state") renderStateTab();
}

function wire() {
  $("#who").addEventListener("change", (e) => chooseMe(e.target.value));
  $("#composer").addEventListener("submit", submit);
  const input = $("#input");
  input.addEventListener("keydown", (event) => {
    const picker = $("#picker");
    if (!picker.hidden && (event.key === "Enter" || event.key === "Tab")) {
      const active = picker.querySelector("button.active");
      if (active) {
        event.preventDefault();
        active.dispatchEvent(new MouseEvent("mousedown"));
        return;
      }
    }
    if (event.key === "Escape") picker.hidden = true;
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) submit(event);
  });
  input.addEventListener("input", updatePicker);
  input.addEventListener("paste", (event) => {
    const file = [...(event.clipboardData || {}).files || []].find((f) => f.type.startsWith("image/"));
    if (file) {
      event.preventDefault();
      sendPicture(file);
    }
  });
  const composer = $("#composer");
  composer.addEventListener("dragover", (event) => { event.preventDefault(); composer.classList.add("dragging"); });
  composer.addEventListener("dragleave", () => composer.classList.remove("dragging"));
  composer.addEventListener("drop", (event) => {
    event.preventDefault();
    composer.classList.remove("dragging");
    const file = [...event.dataTransfer.files].find((f) => /^(image|video)\//.test(f.type));
    if (file) sendPicture(file);
  });
  $("#pic-button").addEventListener("click", () => $("#pic-file").click());
  $("#pic-file").addEventListener("change", (event) => {
    const file = event.target.files[0];
    if (file) sendPicture(file);
    event.target.value = "";
  });
  $("#reply-cancel").addEventListener("click", () => { state.replyTo = null; renderReplyBar(); });
  $("#messages").addEventListener("scroll", (event) => { if (event.target.scrollTop === 0) loadOlder(); });
  for (const button of document.querySelectorAll("#side-tabs button")) button.addEventListener("click", () => showTab(button.dataset.tab));
  for (const button of document.querySelectorAll("#views button")) button.addEventListener("click", () => { $("#layout").dataset.view = button.dataset.view; });
  $("#event-account").addEventListener("change", renderEvents);
  $("#event-type").addEventListener("change", renderEvents);
  $("#event-clear").addEventListener("click", () => { state.events = []; renderEvents(); });
  $("#lang").addEventListener("click", () => {
    state.lang = state.lang === "zh" ? "en" : "zh";
    localStorage.setItem("lizi-console-lang", state.lang);
    translate();
    loadWorld().then(() => { renderChat(); renderMembers(); });
  });
  $("#login-form").addEventListener("submit", login);
}

/** Sends the password and the token to /console/login, which answers with HttpOnly cookies. */
async function login() {
  const form = new URLSearchParams();
  for (const [name, field] of [["password", "#login-password"], ["token", "#login-token"]]) {
    if ($(field).value) form.set(name, $(field).value);
    $(field).value = "";
  }
  const response = await fetch("/console/login", { method: "POST", body: form, credentials: "same-origin" });
  if (!response.ok) {
    let why = response.statusText;
    try {
      why = (await response.json()).error || why;
    } catch (_) { /* not JSON: the status says it */ }
    toast(t("refused") + why, true);
    $("#login").showModal();
    return;
  }
  start();
}

async function start() {
  try {
    await loadWorld();
  } catch (error) {
    if (!(error instanceof Refused)) toast(error.message, true);
    return;
  }
  if (!state.socket) connectEvents();
  showTab("members");
  renderChat();
  await followLink();
}

/** `?as=user:20001&chat=group:30001` (or `friend:10001`) opens that person and chat. */
async function followLink() {
  const as = params.get("as");
  if (as && [...$("#who").options].some((o) => o.value === as)) {
    $("#who").value = as;
    chooseMe(as);
  }
  const [kind, id] = (params.get("chat") || "").split(":");
  if ((kind === "group" || kind === "friend") && Number(id)) await openChat({ kind, id: Number(id) });
}

if (params.get("lang") === "en" || params.get("lang") === "zh") state.lang = params.get("lang");
translate();
wire();
start();
