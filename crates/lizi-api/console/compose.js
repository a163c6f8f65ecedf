// Composing: sending text and pictures, mentions, replies, recalls.
"use strict";

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

/** Sends a picture or, for a video file, a short video, as the person the console acts as. */
async function sendPicture(file) {
  if (!state.chat) return toast(t("no_chat"), true);
  const base64 = await readBase64(file);
  const chat = state.chat;
  const me = state.me;
  const video = String(file.type || "").startsWith("video/");
  const ok = await attempt(async () => {
    if (me.kind === "user") {
      const body = { from: me.uin, base64 };
      if (chat.kind === "group") body.group = chat.id;
      else body.to = chat.id;
      if (chat.kind === "temp") body.group = chat.group;
      await sim(video ? "send_video" : "send_picture", body);
    } else if (video) {
      // XLZ has no video upload: the network keeps it, and the text carries its code.
      const kept = await sim("store_media", { base64 });
      await sendText(`[litleVideo,hash=${kept.hash},url=${kept.url}]`);
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
