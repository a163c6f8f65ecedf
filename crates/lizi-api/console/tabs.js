// The state tab (sessions, push targets) and the world tab (accounts, users, requests).
"use strict";

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
    form(t("friend_request"), [field(t("from"), "from", "number"), field(t("to"), "to", "number"), field(t("text"), "text"), field(t("doubt"), "doubt", "checkbox")],
      (v) => sim("friend_request", { from: Number(v.from), to: Number(v.to), text: v.text, doubt: v.doubt === "on" })),
    form(t("join_request"), [field(t("from"), "from", "number"), field(t("gin"), "group", "number"), field(t("text"), "text"), field(t("filtered"), "filtered", "checkbox")],
      (v) => sim("join_request", { from: Number(v.from), group: Number(v.group), text: v.text, filtered: v.filtered === "on" })),
    form(t("invite"), [field(t("from"), "from", "number"), field(t("to"), "to", "number"), field(t("gin"), "group", "number")],
      (v) => sim("invite", { from: Number(v.from), to: Number(v.to), group: Number(v.group) })));
}
