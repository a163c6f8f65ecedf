// XLZ text codes shown as a QQ client shows them, and typed text escaped.
"use strict";

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

/**
 * A URL that may go into an `href` or a `src`: `http:` and `https:` URLs, and lizi's own
 * media URLs (`/lizi/media/…`); `null` for anything else (`javascript:`, `data:`, other
 * pages of lizi), which is then shown as text. Message text comes from bots and peers.
 */
function safeUrl(text) {
  if (typeof text !== "string" || text === "") return null;
  let url;
  try {
    url = new URL(text, location.href);
  } catch (_) {
    return null;
  }
  if (url.origin === location.origin) return url.pathname.startsWith("/lizi/media/") ? url.href : null;
  return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
}

function renderCode({ name, args }) {
  const lower = name.toLowerCase();
  const url = safeUrl(args.url);
  if ((lower === "pic" || lower === "flashpic") && args.url) {
    if (!url) return element("span", { class: "code", title: args.url || "" }, `[${t("picture")}]`);
    return element("a", { href: url, target: "_blank", rel: "noopener noreferrer" },
      element("img", { class: "pic", src: url, alt: "[pic]", "data-hash": args.hash }));
  }
  if (lower === "face" || lower === "bigface" || lower === "smallface") {
    return element("span", { class: "face", title: `Face ${args.Id || ""}` }, `[表情${args.Id || ""}]`);
  }
  if (lower === "reply") {
    return element("blockquote", { "data-reply-req": args.Req }, `${nameOf(Number(args.SendQQID))}: ${unescapeText(args.Content || "")}`);
  }
  if (lower === "audio") {
    return url ? element("audio", { controls: true, src: url }) : element("span", { class: "code" }, "[语音]");
  }
  if (lower === "litlevideo") {
    return url ? element("video", { class: "pic", controls: true, src: url, "data-hash": args.hash }) : element("span", { class: "code" }, "[视频]");
  }
  if (lower === "json" || lower === "xml" || lower === "share") {
    return element("div", { class: "card" }, cardPrompt(lower, args));
  }
  if (lower === "file" || args.url) {
    const label = `[${t("file")}] ${args.name || args.Name || ""}`;
    if (!url) return element("span", { class: "file", title: args.url || "" }, label);
    return element("a", { class: "file", href: url, download: args.name || args.Name || "", rel: "noopener noreferrer" }, label);
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
