// lizi's web console: be anyone on the simulated network and chat with your bot.
// It speaks only lizi's public interfaces: the control API (/sim/...), the XLZ API and the
// /ws event stream, so it can do nothing a test could not. No build step, no libraries.
"use strict";

// Script errors are shown, not swallowed, and kept where a browser test can read them.
window.liziConsoleErrors = [];
window.addEventListener("error", (event) => reportError(event.message));
window.addEventListener("unhandledrejection", (event) => reportError(String(event.reason && event.reason.message || event.reason)));
function reportError(message) {
  window.liziConsoleErrors.push(message);
  const box = document.getElementById("toast");
  if (box) {
    box.textContent = "Error: " + message;
    box.className = "error";
    box.hidden = false;
  }
}

const TEXTS = {
  zh: {
    me: "我是", contacts: "联系人", chat: "聊天", panel: "面板", groups: "群聊", friends: "好友",
    temps: "临时会话", pick_chat: "选择一个会话", picture: "图片", send: "发送", members: "成员",
    events: "事件", state: "状态", world: "世界", clear: "清空", login_needed: "此 lizi 需要密码或令牌。",
    password: "密码", token: "令牌", login: "登录", account: "框架账号", user: "模拟用户",
    online: "在线", offline: "离线", reply: "回复", recall: "撤回", recalled: "已撤回",
    older: "加载更早的消息…", no_more: "没有更早的消息了", kick: "踢出", mute: "禁言",
    unmute: "解除禁言", minutes: "分钟", set_admin: "设为管理", unset_admin: "取消管理",
    card: "名片", set_card: "改名片", temp_chat: "临时会话", whole_mute: "全员禁言",
    whole_unmute: "解除全员禁言", rename: "改群名", muted_for: "禁言中，剩余 {0} 秒",
    owner: "群主", admin: "管理员", member: "成员", all_accounts: "全部账号", all_types: "全部类型",
    sessions: "事件会话", pending: "待取", lost: "丢失", push: "推送目标", none: "无",
    add_user: "添加用户", add_group: "添加群", add_friend: "添加好友关系", uin: "QQ 号",
    nickname: "昵称", gin: "群号", name: "名称", owner_uin: "群主 QQ", members_uins: "成员 QQ（逗号分隔）",
    login_account: "上线", logout_account: "下线", friend_request: "向机器人发好友申请",
    join_request: "申请入群", invite: "邀请机器人入群", from: "发起人", to: "对象", text: "附言",
    done: "完成", file: "文件", at_all: "全体成员", placeholder: "输入消息，Enter 发送，Shift+Enter 换行，@ 提及",
    refused: "被拒绝：", no_chat: "先选择一个会话", requests: "待处理的申请", accept: "同意", reject: "拒绝",
  },
  en: {
    me: "I am", contacts: "Contacts", chat: "Chat", panel: "Panel", groups: "Groups", friends: "Friends",
    temps: "Temporary sessions", pick_chat: "Pick a conversation", picture: "Picture", send: "Send",
    members: "Members", events: "Events", state: "State", world: "World", clear: "Clear",
    login_needed: "This lizi needs a password or a token.", password: "Password", token: "Token",
    login: "Log in", account: "framework account", user: "simulated user", online: "online",
    offline: "offline", reply: "Reply", recall: "Recall", recalled: "recalled",
    older: "Load older messages…", no_more: "No older messages", kick: "Kick", mute: "Mute",
    unmute: "Unmute", minutes: "min", set_admin: "Make admin", unset_admin: "Remove admin",
    card: "Card", set_card: "Set card", temp_chat: "Temporary chat", whole_mute: "Mute everyone",
    whole_unmute: "Unmute everyone", rename: "Rename group", muted_for: "muted, {0} s left",
    owner: "owner", admin: "admin", member: "member", all_accounts: "All accounts", all_types: "All types",
    sessions: "Event sessions", pending: "pending", lost: "lost", push: "Push targets", none: "none",
    add_user: "Add a user", add_group: "Add a group", add_friend: "Add a friendship", uin: "QQ",
    nickname: "Nickname", gin: "Group", name: "Name", owner_uin: "Owner QQ", members_uins: "Member QQs (comma-separated)",
    login_account: "Log in", logout_account: "Log out", friend_request: "Ask the bot to be friends",
    join_request: "Ask to join a group", invite: "Invite the bot into a group", from: "From", to: "To", text: "Message",
    done: "Done", file: "File", at_all: "Everyone", placeholder: "Message — Enter sends, Shift+Enter adds a line, @ mentions",
    refused: "Refused: ", no_chat: "Pick a conversation first", requests: "Pending requests", accept: "Accept", reject: "Reject",
  },
};

const params = new URLSearchParams(location.search);

const state = {
  lang: localStorage.getItem("lizi-console-lang") || "zh",
  token: sessionStorage.getItem("lizi-console-token") || "",
  world: null,
  me: null, // {kind: "user"|"account", uin}
  chat: null, // {kind: "group"|"friend"|"temp", id, group}
  messages: [],
  before: null,
  more: false,
  members: [],
  replyTo: null,
  events: [],
  socket: null,
};

const $ = (selector) => document.querySelector(selector);
const t = (key, ...args) => (TEXTS[state.lang][key] || key).replace(/\{(\d)\}/g, (_, i) => args[i]);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function toast(text, error = false) {
  const box = $("#toast");
  box.textContent = text;
  box.className = error ? "error" : "";
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (box.hidden = true), error ? 6000 : 2500);
}

// ---- talking to lizi -------------------------------------------------------------------

class Refused extends Error {}

async function request(path, options = {}) {
  const headers = Object.assign({}, options.headers);
  if (state.token) headers.Authorization = "Bearer " + state.token;
  const response = await fetch(path, Object.assign({}, options, { headers, credentials: "same-origin" }));
  const text = await response.text();
  if (text === "Access denied.") {
    $("#login").showModal();
    throw new Refused(text);
  }
  let body;
  try {
    body = JSON.parse(text);
  } catch (_) {
    body = text;
  }
  if (!response.ok) {
    throw new Refused((body && body.error) || text || response.statusText);
  }
  return body;
}

/** A control-API action: JSON in, JSON out. */
function sim(action, body) {
  if (body === undefined) return request("/sim/" + action);
  return request("/sim/" + action, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
}

/** An XLZ endpoint: form in, the original's JSON templates out; a failure throws. */
async function xlz(path, params) {
  const body = new URLSearchParams(params).toString();
  const answer = await request(path, { method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded" } });
  const failure = xlzFailure(answer);
  if (failure) throw new Refused(failure);
  return answer;
}

function xlzFailure(answer) {
  if (answer === null || typeof answer !== "object") return null;
  if (answer.ret === "false" || answer.ret === false) return answer.error || "refused";
  if (answer.ret === "error") return answer.error || "refused";
  if (typeof answer.ret === "string" && answer.ret.startsWith("{")) {
    try {
      const inner = JSON.parse(answer.ret);
      if (inner.retcode && inner.retcode !== 0) return inner.retmsg || "retcode " + inner.retcode;
    } catch (_) { /* not JSON: no failure to report */ }
  }
  if (answer.retcode !== undefined && answer.retcode !== 0 && answer.retmsg) return answer.retmsg;
  return null;
}

async function attempt(work) {
  try {
    await work();
    return true;
  } catch (error) {
    toast(t("refused") + error.message, true);
    return false;
  }
}

// ---- the world and who I am ------------------------------------------------------------

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
    mine && !message.recalled ? element("button", { type: "button", class: "recall", onclick: () => recall(message) }, t("recall")) : null);
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
  return element("a", { class: "file", href: `/lizi/media/${file.md5}`, download: file.name }, `[${t("file")}] ${file.name} (${file.size} B)`);
}

// ---- XLZ text codes as a QQ client shows them -------------------------------------------

/** Splits message text into text and codes, as lizi-core's textcode does. */
function parseText(text) {
  const pieces = [];
  let rest = text;
  const codePattern = /\[(@all|@\d+|bq\d+|[A-Za-z][A-Za-z0-9_]*(?:,[^\]]*)?)\]/;
  while (rest.length) {
    const match = codePattern.exec(rest);
    if (!match) {
      pieces.push({ text: unescapeText(rest) });
      break;
    }
    if (match.index > 0) pieces.push({ text: unescapeText(rest.slice(0, match.index)) });
    pieces.push(parseCode(match[1]));
    rest = rest.slice(match.index + match[0].length);
  }
  return pieces;
}

function unescapeText(text) {
  return text.replace(/\\u005b/gi, "[").replace(/\\u005d/gi, "]").replace(/\\u005c/gi, "\\");
}

function parseCode(body) {
  if (body === "@all") return { at: "all" };
  if (body.startsWith("@")) return { at: Number(body.slice(1)) };
  if (/^bq\d+$/.test(body)) return { name: "Face", args: { Id: body.slice(2) } };
  const parts = body.split(",");
  const name = parts.shift();
  const args = {};
  let last = null;
  for (const part of parts) {
    const eq = part.indexOf("=");
    if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(part.slice(0, eq))) {
      last = part.slice(0, eq);
      args[last] = part.slice(eq + 1);
    } else if (last) {
      args[last] += "," + part;
    }
  }
  return { name, args };
}

function renderText(text) {
  const nodes = [];
  for (const piece of parseText(text)) {
    if (piece.text !== undefined) {
      nodes.push(piece.text);
    } else if (piece.at !== undefined) {
      const label = piece.at === "all" ? t("at_all") : memberName(piece.at);
      nodes.push(element("span", { class: "mention", "data-at": piece.at }, "@" + label));
    } else {
      nodes.push(renderCode(piece));
    }
  }
  return nodes;
}

function renderCode({ name, args }) {
  const lower = name.toLowerCase();
  if ((lower === "pic" || lower === "flashpic") && args.url) {
    return element("a", { href: args.url, target: "_blank", rel: "noopener" },
      element("img", { class: "pic", src: args.url, alt: "[pic]", "data-hash": args.hash }));
  }
  if (lower === "face" || lower === "bigface" || lower === "smallface") {
    return element("span", { class: "face", title: `Face ${args.Id || ""}` }, `[表情${args.Id || ""}]`);
  }
  if (lower === "reply") {
    return element("blockquote", { "data-reply-req": args.Req }, `${nameOf(Number(args.SendQQID))}: ${unescapeText(args.Content || "")}`);
  }
  if (lower === "audio") {
    return args.url ? element("audio", { controls: true, src: args.url }) : element("span", { class: "code" }, "[语音]");
  }
  if (lower === "json" || lower === "xml" || lower === "share") {
    return element("div", { class: "card" }, cardPrompt(lower, args));
  }
  if (lower === "file" || args.url) {
    return element("a", { href: args.url || "#", download: args.name || args.Name || "" }, `[${t("file")}] ${args.name || args.Name || ""}`);
  }
  return element("span", { class: "code" }, `[${name}]`);
}

function cardPrompt(kind, args) {
  const data = args.Data || args.data || "";
  if (kind === "json") {
    try {
      const card = JSON.parse(unescapeText(data));
      return card.prompt || card.desc || "[JSON]";
    } catch (_) {
      return "[JSON]";
    }
  }
  const brief = /brief="([^"]*)"/.exec(data);
  return brief ? brief[1] : `[${kind.toUpperCase()}]`;
}

/** Text typed by a person as message text: literal brackets and backslashes escaped. */
function escapeTyped(text) {
  return text.replace(/\\/g, "\\u005c").replace(/\[/g, "\\u005b").replace(/\]/g, "\\u005d");
}

// ---- composing --------------------------------------------------------------------------

/** The typed text with `@name ` mentions chosen from the picker turned into `[@qq]`. */
function composeText(raw) {
  const mentions = state.mentions || [];
  let text = escapeTyped(raw);
  for (const { label, code } of mentions) {
    text = text.split(escapeTyped(label)).join(code);
  }
  return text;
}

async function sendText(text) {
  const chat = state.chat;
  const me = state.me;
  if (state.replyTo) {
    const r = state.replyTo;
    const content = r.text.replace(/[,\]]/g, " ").slice(0, 40);
    text = `[Reply,Content=${content},SendQQID=${r.from},Req=${r.req},Random=${r.random},SendTime=${r.time}]` + text;
  }
  if (me.kind === "user") {
    const body = { from: me.uin, text };
    if (chat.kind === "group") body.group = chat.id;
    else body.to = chat.id;
    if (chat.kind === "temp") body.group = chat.group;
    await sim("message", body);
  } else if (chat.kind === "group") {
    await xlz("/sendgroupmsg", { fromqq: me.uin, togroup: chat.id, text });
  } else if (chat.kind === "temp") {
    await xlz("/sendgrouptempmsg", { fromqq: me.uin, togroup: chat.group, toqq: chat.id, text });
  } else {
    await xlz("/sendprivatemsg", { fromqq: me.uin, toqq: chat.id, text });
  }
}

async function submit(event) {
  event.preventDefault();
  const input = $("#input");
  const raw = input.value;
  if (!state.chat) return toast(t("no_chat"), true);
  if (!raw.trim()) return;
  const ok = await attempt(() => sendText(composeText(raw)));
  if (ok) {
    input.value = "";
    state.mentions = [];
    state.replyTo = null;
    renderReplyBar();
    await refreshChat(true);
  }
}

function startReply(message) {
  state.replyTo = message;
  renderReplyBar();
  $("#input").focus();
}

function renderReplyBar() {
  const bar = $("#reply-bar");
  bar.hidden = !state.replyTo;
  if (state.replyTo) $("#reply-text").textContent = `${t("reply")} ${nameOf(state.replyTo.from)}: ${unescapeText(state.replyTo.text).slice(0, 60)}`;
}

async function recall(message) {
  const me = state.me;
  const chat = state.chat;
  await attempt(async () => {
    if (me.kind === "user") {
      const body = { user: me.uin, req: message.req, random: message.random };
      if (chat.kind === "group") body.group = chat.id;
      else body.to = chat.id;
      await sim("recall", body);
    } else if (chat.kind === "group") {
      await xlz("/deletegroupmsg", { fromqq: me.uin, group: chat.id, random: message.random, req: message.req });
    } else {
      await xlz("/deleteprivatemsg", { fromqq: me.uin, toqq: chat.id, random: message.random, req: message.req, time: message.time });
    }
  });
  await refreshChat(false);
}

function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

async function sendPicture(file) {
  if (!state.chat) return toast(t("no_chat"), true);
  const base64 = await readBase64(file);
  const chat = state.chat;
  const me = state.me;
  const ok = await attempt(async () => {
    if (me.kind === "user") {
      const body = { from: me.uin, base64 };
      if (chat.kind === "group") body.group = chat.id;
      else body.to = chat.id;
      if (chat.kind === "temp") body.group = chat.group;
      await sim("send_picture", body);
    } else {
      const code = chat.kind === "group"
        ? await xlz("/sendgrouppic", { fromqq: me.uin, togroup: chat.id, pic: base64, fromtype: 0 })
        : await xlz("/sendprivatepic", { fromqq: me.uin, toqq: chat.id, pic: base64, fromtype: 0 });
      const text = typeof code === "string" ? code : code.ret || "";
      await sendText(text);
    }
  });
  if (ok) await refreshChat(true);
}

// The @ picker: typing @ in a group opens the member list; a choice inserts "@name ".
function updatePicker() {
  const input = $("#input");
  const picker = $("#picker");
  const before = input.value.slice(0, input.selectionStart);
  const match = /@([^\s@]*)$/.exec(before);
  if (!match || !state.chat || state.chat.kind !== "group") {
    picker.hidden = true;
    return;
  }
  const query = match[1].toLowerCase();
  const choices = [{ uin: "all", label: t("at_all") }].concat(state.members.map((m) => ({ uin: m.uin, label: m.card || m.nickname })))
    .filter((c) => !query || c.label.toLowerCase().includes(query) || String(c.uin).includes(query))
    .slice(0, 20);
  picker.replaceChildren(...choices.map((c, i) => element("button", {
    type: "button", "data-uin": c.uin, class: i === 0 ? "active" : "",
    onmousedown: (e) => { e.preventDefault(); pickMention(c, match[0].length); },
  }, `${c.label} (${c.uin})`)));
  picker.hidden = choices.length === 0;
}

function pickMention(choice, typed) {
  const input = $("#input");
  const at = input.selectionStart;
  const label = "@" + choice.label;
  input.value = input.value.slice(0, at - typed) + label + " " + input.value.slice(at);
  state.mentions = (state.mentions || []).concat({ label, code: choice.uin === "all" ? "[@all]" : `[@${choice.uin}]` });
  $("#picker").hidden = true;
  input.focus();
}

// ---- members and admin actions ------------------------------------------------------------

function myRole() {
  const me = state.members.find((m) => m.uin === state.me.uin);
  return me ? me.role : "member";
}

function renderMembers() {
  const tab = $("#tab-members");
  if (!state.chat || state.chat.kind !== "group") {
    tab.replaceChildren();
    return;
  }
  const view = state.groupView || {};
  const whole = view.settings && view.settings.whole_mute;
  const head = element("div", { class: "row" },
    element("button", { type: "button", class: "whole-mute", onclick: () => wholeMute(!whole) }, whole ? t("whole_unmute") : t("whole_mute")),
    element("input", { class: "group-name", placeholder: t("rename"), value: view.name || "" }),
    element("button", { type: "button", class: "rename", onclick: (e) => rename(e.target.previousSibling.value) }, t("rename")));
  const rows = state.members.map((m) => {
    const minutes = element("input", { type: "number", min: "0", value: "10", class: "mute-minutes", title: t("minutes") });
    const card = element("input", { class: "card-input", placeholder: t("card"), value: m.card || "" });
    return element("div", { class: "member", "data-uin": m.uin },
      element("div", {},
        element("span", { class: "name" }, m.card || m.nickname), ` (${m.uin})`,
        element("span", { class: `role ${m.role}` }, t(m.role)),
        m.mute_left > 0 ? element("span", { class: "muted" }, t("muted_for", m.mute_left)) : null),
      element("div", { class: "row" },
        element("button", { type: "button", class: "kick", onclick: () => adminAction("kick", m) }, t("kick")),
        minutes, element("button", { type: "button", class: "mute", onclick: () => adminAction("mute", m, Number(minutes.value) * 60) }, t("mute")),
        m.mute_left > 0 ? element("button", { type: "button", class: "unmute", onclick: () => adminAction("mute", m, 0) }, t("unmute")) : null,
        m.role === "owner" ? null : element("button", { type: "button", class: "admin", onclick: () => adminAction("admin", m, m.role !== "admin") }, m.role === "admin" ? t("unset_admin") : t("set_admin")),
        card, element("button", { type: "button", class: "set-card", onclick: () => adminAction("card", m, card.value) }, t("set_card")),
        m.uin === state.me.uin ? null : element("button", { type: "button", class: "temp", onclick: () => openChat({ kind: "temp", id: m.uin, group: state.chat.id }) }, t("temp_chat"))));
  });
  // What a person is typing survives a live update of the panel.
  const key = (input) => {
    const row = input.closest(".member");
    return `${row ? row.dataset.uin : "group"}:${input.className}`;
  };
  const typed = new Map([...tab.querySelectorAll("input")].filter((i) => i.dataset.edited).map((i) => [key(i), i.value]));
  const focused = tab.contains(document.activeElement) && document.activeElement.tagName === "INPUT" ? key(document.activeElement) : null;
  tab.replaceChildren(head, ...rows);
  for (const input of tab.querySelectorAll("input")) {
    input.addEventListener("input", () => (input.dataset.edited = "1"));
    if (typed.has(key(input))) {
      input.value = typed.get(key(input));
      input.dataset.edited = "1";
    }
    if (key(input) === focused) input.focus();
  }
}

async function adminAction(kind, member, value) {
  const me = state.me;
  const group = state.chat.id;
  const asUser = me.kind === "user";
  await attempt(async () => {
    if (kind === "kick") {
      if (asUser) await sim("kick", { operator: me.uin, group, member: member.uin, block: false });
      else await xlz("/kickgroupmember", { fromqq: me.uin, group, toqq: member.uin, ignoreaddgrequest: false });
    } else if (kind === "mute") {
      if (asUser) await sim("mute", { operator: me.uin, group, member: member.uin, seconds: value });
      else await xlz("/mutegroupmember", { fromqq: me.uin, group, toqq: member.uin, time: value });
    } else if (kind === "admin") {
      if (asUser) await sim("set_admin", { operator: me.uin, group, member: member.uin, admin: value });
      else await xlz("/setgroupmgr", { fromqq: me.uin, group, toqq: member.uin, bemgr: value });
    } else if (kind === "card") {
      if (asUser) await sim("set_card", { operator: me.uin, group, member: member.uin, card: value });
      else await xlz("/setgroupcard", { fromqq: me.uin, togroup: group, toqq: member.uin, card: value });
    }
    toast(t("done"));
  });
  await refreshGroup();
}

async function wholeMute(on) {
  const me = state.me;
  await attempt(async () => {
    if (me.kind === "user") await sim("whole_mute", { operator: me.uin, group: state.chat.id, mute: on });
    else await xlz("/setgroupwholemute", { fromqq: me.uin, group: state.chat.id, ismute: on });
    toast(t("done"));
  });
  await refreshGroup();
}

async function rename(name) {
  await attempt(async () => {
    await sim("rename_group", { operator: state.me.uin, group: state.chat.id, name });
    toast(t("done"));
  });
  await loadWorld();
  await refreshGroup();
  renderChat();
}

async function refreshGroup() {
  if (!state.chat || state.chat.kind !== "group") return;
  await loadMembers();
  renderMembers();
  renderMessages();
}

// ---- live: the /ws event stream --------------------------------------------------------

function connectEvents() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const query = state.token ? "?access_token=" + encodeURIComponent(state.token) : "";
  const socket = new WebSocket(`${scheme}//${location.host}/ws${query}`);
  state.socket = socket;
  socket.onmessage = (message) => onEvent(message.data);
  socket.onclose = () => setTimeout(connectEvents, 1000);
}

let refreshQueued = false;

function onEvent(data) {
  let event;
  try {
    event = JSON.parse(data);
  } catch (_) {
    return;
  }
  state.events.unshift(event);
  state.events.length = Math.min(state.events.length, 500);
  renderEvents();
  if (!refreshQueued) {
    refreshQueued = true;
    setTimeout(async () => {
      refreshQueued = false;
      await refreshChat(false);
      if (event.Type === "EventMsg") {
        await loadWorld();
        await refreshGroup();
      }
    }, 50);
  }
}

async function refreshChat(scroll) {
  if (!state.chat) return;
  const box = $("#messages");
  const atEnd = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  await loadNewest();
  await loadFiles();
  renderMessages();
  if (scroll || atEnd) scrollToEnd();
}

function eventType(event) {
  return event.Type === "EventMsg" ? `EventMsg ${event.Msg && event.Msg.Type}` : event.Type;
}

function renderEventFilters() {
  const account = $("#event-account");
  const type = $("#event-type");
  const chosen = [account.value, type.value];
  account.replaceChildren(element("option", { value: "" }, t("all_accounts")),
    ...state.world.accounts.map((a) => element("option", { value: a.uin }, `${a.nickname} (${a.uin})`)));
  const types = [...new Set(state.events.map(eventType))].sort();
  type.replaceChildren(element("option", { value: "" }, t("all_types")), ...types.map((x) => element("option", { value: x }, x)));
  account.value = chosen[0] || "";
  type.value = types.includes(chosen[1]) ? chosen[1] : "";
}

function renderEvents() {
  const account = $("#event-account").value;
  const type = $("#event-type").value;
  if (type === "" && ![...$("#event-type").options].some((o) => o.value === eventType(state.events[0] || {}))) renderEventFilters();
  const shown = state.events.filter((e) => (!account || String(e.LogonQQ) === account) && (!type || eventType(e) === type)).slice(0, 200);
  $("#event-list").replaceChildren(...shown.map((e) => element("li", { "data-type": eventType(e) }, element("b", {}, eventType(e)), "\n", JSON.stringify(e))));
}

// ---- state and world tabs -----------------------------------------------------------------

async function renderStateTab() {
  const tab = $("#tab-state");
  let status;
  try {
    status = await request("/lizi/status");
  } catch (_) {
    return;
  }
  const table = (rows, head) => rows.length
    ? element("table", { class: "state" }, element("tr", {}, head.map((h) => element("th", {}, h))), rows)
    : element("p", {}, t("none"));
  tab.replaceChildren(
    element("h4", {}, t("sessions")),
    table(status.sessions.map((s) => element("tr", { "data-session": s.id }, element("td", {}, String(s.id)), element("td", {}, String(s.pending)), element("td", {}, String(s.lost)))), ["id", t("pending"), t("lost")]),
    element("h4", {}, t("push")),
    table(status.push.map((p) => element("tr", {}, element("td", {}, p.url), element("td", {}, String(p.pending)), element("td", {}, String(p.lost)))), ["URL", t("pending"), t("lost")]));
}

function field(label, name, type = "text") {
  return element("label", {}, label + " ", element("input", { name, type }));
}

function form(title, fields, action) {
  const node = element("form", { class: "world-form" }, element("h4", {}, title), fields, element("button", { type: "submit" }, t("done")));
  node.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(node).entries());
    const ok = await attempt(() => action(values));
    if (ok) {
      toast(t("done"));
      node.reset();
      await loadWorld();
    }
  });
  return node;
}

const numbers = (text) => String(text || "").split(/[,\s，]+/).filter(Boolean).map(Number);

function renderWorldTab() {
  const accounts = state.world.accounts.map((a) => element("div", { class: "row", "data-account": a.uin },
    `${a.nickname} (${a.uin}) · ${a.online ? t("online") : t("offline")}`,
    element("button", { type: "button", class: a.online ? "logout" : "login", onclick: () => attempt(async () => {
      await xlz(a.online ? "/logoutqq" : "/loginqq", { logonqq: a.uin });
      await loadWorld();
    }) }, a.online ? t("logout_account") : t("login_account"))));
  $("#tab-world").replaceChildren(
    element("h4", {}, t("account")), ...accounts,
    form(t("add_user"), [field(t("uin"), "uin", "number"), field(t("nickname"), "nickname")],
      (v) => sim("add_user", { uin: Number(v.uin), nickname: v.nickname })),
    form(t("add_group"), [field(t("gin"), "gin", "number"), field(t("name"), "name"), field(t("owner_uin"), "owner", "number"), field(t("members_uins"), "members")],
      (v) => sim("add_group", { gin: Number(v.gin), name: v.name, owner: Number(v.owner), members: numbers(v.members) })),
    form(t("add_friend"), [field(t("from"), "a", "number"), field(t("to"), "b", "number")],
      (v) => sim("add_friendship", { a: Number(v.a), b: Number(v.b) })),
    form(t("friend_request"), [field(t("from"), "from", "number"), field(t("to"), "to", "number"), field(t("text"), "text")],
      (v) => sim("friend_request", { from: Number(v.from), to: Number(v.to), text: v.text })),
    form(t("join_request"), [field(t("from"), "from", "number"), field(t("gin"), "group", "number"), field(t("text"), "text")],
      (v) => sim("join_request", { from: Number(v.from), group: Number(v.group), text: v.text })),
    form(t("invite"), [field(t("from"), "from", "number"), field(t("to"), "to", "number"), field(t("gin"), "group", "number")],
      (v) => sim("invite", { from: Number(v.from), to: Number(v.to), group: Number(v.group) })));
}

// ---- wiring -------------------------------------------------------------------------------

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
    const file = [...event.dataTransfer.files].find((f) => f.type.startsWith("image/"));
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
  $("#login-form").addEventListener("submit", async () => {
    const password = $("#login-password").value;
    state.token = $("#login-token").value;
    sessionStorage.setItem("lizi-console-token", state.token);
    if (password) {
      await fetch("/console/login", { method: "POST", body: new URLSearchParams({ password }), credentials: "same-origin" });
    }
    start();
  });
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
