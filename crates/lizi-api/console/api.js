// Talking to lizi: the control API, the XLZ API, and failures shown as toasts.
"use strict";

class Refused extends Error {}

async function request(path, options = {}) {
  // Credentials travel in the HttpOnly cookies /console/login sets; scripts never hold one.
  const headers = Object.assign({}, options.headers);
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
