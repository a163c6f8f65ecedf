// Live updates and the event panel, from the /ws event stream.
"use strict";

function connectEvents() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const socket = new WebSocket(`${scheme}//${location.host}/ws`);
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
