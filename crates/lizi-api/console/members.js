// A group's member panel and its admin actions.
"use strict";

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
        m.uin === state.me.uin ? null : element("button", { type: "button", class: "temp", onclick: () => openChat({ kind: "temp", id: m.uin, group: state.chat.id }) }, t("temp_chat")),
        ...memberActions(m)));
  });
  // What a person is typing survives a live update of the panel.
  const key = (input) => {
    const row = input.closest(".member");
    return `${row ? row.dataset.uin : "group"}:${input.className}`;
  };
  const typed = new Map([...tab.querySelectorAll("input")].filter((i) => i.dataset.edited).map((i) => [key(i), i.value]));
  const focused = tab.contains(document.activeElement) && document.activeElement.tagName === "INPUT" ? key(document.activeElement) : null;
  tab.replaceChildren(head, groupActions(), ...rows);
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
