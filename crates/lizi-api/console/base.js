// lizi's web console: be anyone on the simulated network and chat with your bot.
// It speaks only lizi's public interfaces: the control API (/sim/...), the XLZ API and the
// /ws event stream, so it can do nothing a test could not. No build step, no libraries:
// plain scripts loaded in order by index.html, sharing one global scope.
//
// base.js: error reporting, the texts in both languages, the state, DOM helpers.
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
    doubt: "可疑（QQ 过滤，无通知）", filtered: "被过滤（QQ 风控，无通知）",
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
    doubt: "Doubtful (screened by QQ, no event)", filtered: "Filtered (screened by QQ, no event)",
  },
};

const params = new URLSearchParams(location.search);

const state = {
  lang: localStorage.getItem("lizi-console-lang") || "zh",
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
