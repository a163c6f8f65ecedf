// Who I am, my contacts, and the open conversation with its history.
"use strict";

function nameOf(uin) {
  const world = state.world;
  if (!world) return String(uin);
  const person = world.accounts.find((a) => a.uin === uin) || world.users.find((u) => u.uin === uin);
  return person ? person.nickname : String(uin);
}

function memberName(uin) {
  const member = state.members.find((m) => m.uin === uin);
  if (member && member.card) return member.card;
  return nameOf(uin);
}

function groupOf(gin) {
  return state.world && state.world.groups.find((g) => g.gin === gin);
}

async function loadWorld() {
  state.world = await sim("world");
  const who = $("#who");
  const chosen = state.me ? `${state.me.kind}:${state.me.uin}` : who.value;
  who.replaceChildren(
    element("optgroup", { label: t("user") }, state.world.users.map((u) => element("option", { value: `user:${u.uin}` }, `${u.nickname} (${u.uin})`))),
    element("optgroup", { label: t("account") }, state.world.accounts.map((a) => element("option", { value: `account:${a.uin}` }, `${a.nickname} (${a.uin})${a.online ? "" : " · " + t("offline")}`)))
  );
  if (chosen && [...who.options].some((o) => o.value === chosen)) who.value = chosen;
  chooseMe(who.value, false);
  renderWorldTab();
  renderEventFilters();
}

function chooseMe(value, reset = true) {
  const [kind, uin] = value.split(":");
  state.me = { kind, uin: Number(uin) };
  const account = state.world.accounts.find((a) => a.uin === state.me.uin);
  $("#who-state").textContent = kind === "account" ? (account && account.online ? t("online") : t("offline")) : "";
  if (reset) {
    state.chat = null;
    renderChat();
  }
  renderContacts();
}

function renderContacts() {
  const me = state.me.uin;
  const world = state.world;
  const groups = world.groups.filter((g) => g.members.some((m) => m.uin === me));
  const friends = world.friendships.filter((pair) => pair.includes(me)).map((pair) => (pair[0] === me ? pair[1] : pair[0]));
  const open = state.chat;
  $("#group-list").replaceChildren(...groups.map((g) =>
    element("li", { "data-group": g.gin, class: open && open.kind === "group" && open.id === g.gin ? "open" : "", onclick: () => openChat({ kind: "group", id: g.gin }) },
      g.name, element("small", {}, String(g.gin)))));
  $("#friend-list").replaceChildren(...friends.map((uin) =>
    element("li", { "data-friend": uin, class: open && open.kind === "friend" && open.id === uin ? "open" : "", onclick: () => openChat({ kind: "friend", id: uin }) },
      nameOf(uin), element("small", {}, String(uin)))));
  const temps = open && open.kind === "temp" ? [open] : [];
  $("#temp-list").replaceChildren(...temps.map((c) =>
    element("li", { "data-temp": c.id, class: "open" }, nameOf(c.id), element("small", {}, `${c.id} · ${c.group}`))));
}

// ---- a conversation ---------------------------------------------------------------------

function historyQuery(chat) {
  if (chat.kind === "group") return `group=${chat.id}`;
  return `a=${state.me.uin}&b=${chat.id}`;
}

async function openChat(chat) {
  state.chat = chat;
  state.replyTo = null;
  state.messages = [];
  state.files = [];
  state.before = null;
  state.more = false;
  document.getElementById("layout").dataset.view = "chat";
  renderContacts();
  await loadNewest();
  if (chat.kind === "group") await loadMembers();
  else state.members = [];
  renderChat();
  renderMembers();
  scrollToEnd();
}

async function loadNewest() {
  const chat = state.chat;
  const page = await sim(`history?${historyQuery(chat)}&limit=50`);
  if (state.chat !== chat) return;
  const known = new Map(state.messages.map((m) => [m.seq, m]));
  for (const message of page.messages) known.set(message.seq, message);
  state.messages = [...known.values()].sort((a, b) => a.seq - b.seq);
  if (state.before === null) {
    state.before = page.before;
    state.more = page.before !== null;
  }
}

async function loadOlder() {
  if (!state.more) return;
  const chat = state.chat;
  const page = await sim(`history?${historyQuery(chat)}&limit=50&before=${state.before}`);
  if (state.chat !== chat) return;
  const box = $("#messages");
  const height = box.scrollHeight;
  state.messages = page.messages.concat(state.messages);
  state.before = page.before;
  state.more = page.before !== null;
  renderMessages();
  box.scrollTop = box.scrollHeight - height;
}

async function loadMembers() {
  const view = await sim(`group?gin=${state.chat.id}`);
  state.members = view.members;
  state.groupView = view;
  await loadFiles();
}

/** The group's files: a file's announcement is the message with its name, uploader and time. */
async function loadFiles() {
  const chat = state.chat;
  if (!chat || chat.kind !== "group") return;
  const view = await sim(`files?group=${chat.id}`);
  if (state.chat === chat) state.files = view.files.filter((f) => !f.is_folder);
}

function fileOf(message) {
  if (!state.chat || state.chat.kind !== "group") return null;
  return (state.files || []).find((f) => f.uploader === message.from && f.time === message.time && f.name === unescapeText(message.text)) || null;
}

function chatTitle(chat) {
  if (!chat) return t("pick_chat");
  if (chat.kind === "group") {
    const group = groupOf(chat.id);
    return `${group ? group.name : chat.id} (${chat.id})`;
  }
  if (chat.kind === "temp") return `${nameOf(chat.id)} (${chat.id}) · ${t("temp_chat")} ${chat.group}`;
  return `${nameOf(chat.id)} (${chat.id})`;
}

function renderChat() {
  $("#chat-title").textContent = chatTitle(state.chat);
  const enabled = !!state.chat;
  for (const id of ["#input", "#send", "#pic-button"]) $(id).disabled = !enabled;
  $("#input").placeholder = t("placeholder");
  renderReplyBar();
  renderMessages();
}

function scrollToEnd() {
  const box = $("#messages");
  box.scrollTop = box.scrollHeight;
}

function visibleMessages() {
  const chat = state.chat;
  if (!chat || chat.kind === "group") return state.messages;
  const group = chat.kind === "temp" ? chat.group : null;
  return state.messages.filter((m) => (m.group || null) === group);
}

function renderMessages() {
  const box = $("#messages");
  if (!state.chat) {
    box.replaceChildren();
    return;
  }
  const items = [];
  items.push(element("button", { class: "older", type: "button", disabled: !state.more, onclick: loadOlder }, state.more ? t("older") : t("no_more")));
  for (const message of visibleMessages()) items.push(renderMessage(message));
  box.replaceChildren(...items);
}

function renderMessage(message) {
  const mine = message.from === state.me.uin;
  const time = new Date(message.time * 1000).toLocaleTimeString(state.lang === "zh" ? "zh-CN" : "en-GB");
  const who = state.chat.kind === "group" ? memberName(message.from) : nameOf(message.from);
  const menu = element("div", { class: "menu" },
    message.recalled ? null : element("button", { type: "button", class: "reply", onclick: () => startReply(message) }, t("reply")),
    mine && !message.recalled ? element("button", { type: "button", class: "recall", onclick: () => recall(message) }, t("recall")) : null,
    ...messageActions(message));
  return element("div", {
    class: `msg${mine ? " mine" : ""}${message.recalled ? " recalled" : ""}`,
    "data-req": message.req, "data-seq": message.seq, "data-from": message.from,
  },
  element("div", { class: "who" }, `${who} (${message.from}) · ${time}`, message.recalled ? element("span", { class: "recall-mark" }, t("recalled")) : null),
  element("div", { class: "bubble" }, fileLink(message) || renderText(message.text)),
  menu);
}

function fileLink(message) {
  const file = fileOf(message);
  if (!file) return null;
  return element("a", { class: "file", href: `/lizi/media/${encodeURIComponent(file.md5)}`, download: file.name }, `[${t("file")}] ${file.name} (${file.size} B)`);
}
