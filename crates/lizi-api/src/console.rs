//! The web console (`/console`): a page, a style sheet and plain scripts (one per part of
//! the page, `console/*.js`) embedded in the binary, so it works offline and needs no build
//! step. The page holds no data: everything it shows it reads through the public
//! interfaces (the control API, the XLZ API, `/ws` and [`status`]), under the same access
//! rules as any client, so its files are served to every allowed peer, like `/health`.
//! [`crate::login`] turns a password or token into the cookies the rest of the API checks.
//!
//! Every file is served with a Content-Security-Policy that allows no inline script and
//! no script from elsewhere, lets the page talk to lizi alone, and shows pictures from
//! lizi and from the web; the scripts put only `http:`, `https:` and lizi's own media URLs
//! into links and sources (`safeUrl` in `text.js`).

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::json;

use crate::response::{self, with};
use crate::AppState;

/// Where the console turns a password or token into cookies ([`crate::login`]).
pub const CONSOLE_LOGIN: &str = "/console/login";

/// The console's files: path, content type and contents (the scripts load in this order
/// from `index.html` and share one global scope).
const FILES: &[(&str, &str, &str)] = &[
    ("/console", HTML, include_str!("../console/index.html")),
    ("/console/", HTML, include_str!("../console/index.html")),
    (
        "/console/console.css",
        CSS,
        include_str!("../console/console.css"),
    ),
    ("/console/base.js", JS, include_str!("../console/base.js")),
    ("/console/api.js", JS, include_str!("../console/api.js")),
    ("/console/text.js", JS, include_str!("../console/text.js")),
    ("/console/chat.js", JS, include_str!("../console/chat.js")),
    (
        "/console/compose.js",
        JS,
        include_str!("../console/compose.js"),
    ),
    (
        "/console/members.js",
        JS,
        include_str!("../console/members.js"),
    ),
    (
        "/console/social.js",
        JS,
        include_str!("../console/social.js"),
    ),
    ("/console/live.js", JS, include_str!("../console/live.js")),
    ("/console/tabs.js", JS, include_str!("../console/tabs.js")),
    ("/console/main.js", JS, include_str!("../console/main.js")),
];

const HTML: &str = "text/html; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

/// Whether `path` (lower-case) is one of the console's files, served without credentials.
pub fn is_asset(path: &str) -> bool {
    FILES.iter().any(|(file, _, _)| *file == path)
}

/// One of the console's files, by path; 404 for another path.
pub fn asset(path: &str) -> Response {
    let Some((_, content_type, body)) = FILES.iter().find(|(file, _, _)| *file == path) else {
        return response::error(StatusCode::NOT_FOUND, format!("no console file {path}"));
    };
    let mut response = with(StatusCode::OK, content_type, *body);
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        HeaderName::from_static("referrer-policy"),
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// The console's Content-Security-Policy: its own scripts and styles only, requests and
/// WebSockets to lizi only, pictures and voices from lizi and the web, no plugins, no
/// framing by other pages.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; connect-src 'self'; img-src 'self' http: https: data:; \
    media-src 'self' http: https:; object-src 'none'; base-uri 'none'; form-action 'self'; \
    frame-ancestors 'none'";

/// `GET /lizi/status`: the event sessions and push targets, with what waits for each.
pub fn status(state: &AppState) -> Response {
    let cursors = state.log.cursors();
    let sessions: Vec<_> = cursors
        .iter()
        .filter_map(|cursor| {
            Some(json!({
                "id": cursor.session?,
                "pending": cursor.pending,
                "lost": cursor.lost,
            }))
        })
        .collect();
    let push: Vec<_> = state
        .config
        .report_urls
        .iter()
        .map(|url| {
            let name = crate::push::reader_name(url);
            let cursor = cursors.iter().find(|c| c.name.as_deref() == Some(&name));
            json!({
                "url": url,
                "pending": cursor.map_or(0, |c| c.pending),
                "lost": cursor.map_or(0, |c| c.lost),
            })
        })
        .collect();
    with(
        StatusCode::OK,
        "application/json",
        json!({
            "events": state.log.appended(),
            "sessions": sessions,
            "push": push,
        })
        .to_string(),
    )
}
