// What a person does in a chat besides writing: poke a member, react to a group message
// with a face, mark it as essence, post a group announcement. Each is a control-API action
// done as the person chosen at the top, under the network's rules (a refusal shows why).
"use strict";

Object.assign(TEXTS.zh, {
  poke: "戳一戳", react: "👍 回应", essence: "设为精华", announce: "发布公告",
  announcement: "群公告内容", announcements: "群公告",
});
Object.assign(TEXTS.en, {
  poke: "Poke", react: "👍 React", essence: "Mark as essence", announce: "Post",
  announcement: "Announcement", announcements: "Announcements",
});

/** The face a reaction from the console uses: 76, the thumbs-up. */
const REACTION_FACE = "76";

/** The buttons a group message's menu adds: react with a face, mark as essence. */
function messageActions(message) {
  if (!state.chat || state.chat.kind !== "group" || message.recalled) return [];
  const group = state.chat.id;
  return [
    element("button", { type: "button", class: "react", onclick: () => chatAction("react", { user: state.me.uin, group, req: message.req, emoji: REACTION_FACE }) }, t("react")),
    element("button", { type: "button", class: "essence", onclick: () => chatAction("set_essence", { operator: state.me.uin, group, req: message.req }) }, t("essence")),
  ];
}

/** The buttons a member's row adds: poke them. */
function memberActions(member) {
  const group = state.chat.id;
  return [element("button", { type: "button", class: "poke", onclick: () => chatAction("poke", { from: state.me.uin, target: member.uin, group }) }, t("poke"))];
}

/** The group panel's announcement form. */
function groupActions() {
  const text = element("input", { class: "announcement", placeholder: t("announcement") });
  return element("div", { class: "row" }, text,
    element("button", { type: "button", class: "announce", onclick: () => chatAction("announce", { operator: state.me.uin, group: state.chat.id, text: text.value }) }, t("announce")));
}

async function chatAction(action, body) {
  await attempt(async () => {
    await sim(action, body);
    toast(t("done"));
  });
}
