//! Access control: which peers may connect, and the `pass` cookie / bearer token check,
//! made from the request head by the API port's [`ApiGate`] before any body is read.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use lizi_http::{token, Answer, Gate, Reason, Refusal};
use md5::{Digest, Md5};

use crate::config::ApiConfig;
use crate::metrics::Metrics;
use crate::peers::peer_allowed;
use crate::response;

/// The exact body the original sends to a request without the right password.
pub const ACCESS_DENIED: &str = "Access denied.";

/// The cookie in which the console keeps the token it logged in with (its md5, like
/// `pass`), so that the token is never readable by the page's scripts.
pub const TOKEN_COOKIE: &str = "lizi_token";

/// The values of the cookies named `name`.
fn cookies<'a>(headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(move |cookie| {
            let (key, value) = cookie.trim().split_once('=')?;
            (key.trim() == name).then(|| value.trim())
        })
}

/// Whether a cookie named `name` holds `md5_hex` (any case), compared in constant time.
fn cookie_holds(headers: &HeaderMap, name: &str, md5_hex: &str) -> bool {
    cookies(headers, name)
        .any(|value| token::same(value.to_ascii_lowercase().as_bytes(), md5_hex.as_bytes()))
}

/// Whether a request carries a valid credential, when credentials are configured: the
/// `pass` cookie (md5 of the password, any case), the token (`Authorization: Bearer …`,
/// `access_token=` in the query string, or the console's cookie), compared in constant
/// time.
pub fn credentials_ok(headers: &HeaderMap, query: Option<&str>, config: &ApiConfig) -> bool {
    if config.password.is_none() && config.token.is_none() {
        return true;
    }
    if let Some(password) = &config.password {
        if cookie_holds(headers, "pass", &md5_hex(password)) {
            return true;
        }
    }
    if let Some(expected) = &config.token {
        if let Some(Some(given)) = token::presented(headers, query) {
            if token::same(given.as_bytes(), expected.as_bytes()) {
                return true;
            }
        }
        if cookie_holds(headers, TOKEN_COOKIE, &md5_hex(expected)) {
            return true;
        }
    }
    false
}

/// Whether a path answers without credentials: `/health`, media URLs (handed to clients
/// like QQ's CDN URLs: the content hash is the key), the console's files (they hold no
/// data) and its login.
fn open_path(path: &str) -> bool {
    path == "/health"
        || path.starts_with(crate::media::MEDIA_PREFIX)
        || crate::console::is_asset(path)
        || path == crate::console::CONSOLE_LOGIN
}

/// The XLZ API's checks from the head: the peer (`allow_from`), then the password or
/// token, before any body is read; refusals answered as the original does
/// (`Access denied.`), other refusals as lizi's JSON errors.
pub struct ApiGate {
    /// The API's settings.
    pub config: Arc<ApiConfig>,
    /// Its counters (refusals count in `lizi_http_denied_total` too).
    pub metrics: Arc<Metrics>,
}

impl Gate for ApiGate {
    fn admit(&self, head: &Parts, peer: SocketAddr) -> Result<(), Refusal> {
        let denied = |reason, why: &str| {
            Metrics::bump(&self.metrics.denied);
            Err(Refusal::new(
                StatusCode::FORBIDDEN,
                reason,
                format!("{ACCESS_DENIED} ({why})"),
            ))
        };
        if !peer_allowed(peer.ip(), &self.config.allow_from) {
            // Logged by the port once per 10 s with a count; each one only at debug level.
            tracing::debug!(%peer, "refused a peer that is not allowed");
            return denied(Reason::Peer, "the peer is not in allow_from");
        }
        let path = head.uri.path().to_ascii_lowercase();
        if !open_path(&path) && !credentials_ok(&head.headers, head.uri.query(), &self.config) {
            return denied(Reason::Credentials, "no valid password or token");
        }
        Ok(())
    }

    fn render(&self, refusal: &Refusal) -> Answer {
        match refusal.reason {
            // The exact body the original sends.
            Reason::Peer | Reason::Credentials => {
                refusal.respond(response::XLZ_CONTENT_TYPE, ACCESS_DENIED)
            }
            _ => {
                let body = serde_json::json!({"ret": "error", "error": refusal.message});
                refusal.respond("application/json; charset=UTF-8", body.to_string())
            }
        }
    }
}

/// Lower-case hex md5 of a text.
pub fn md5_hex(text: &str) -> String {
    Md5::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_is_hex() {
        assert_eq!(md5_hex("123456"), "e10adc3949ba59abbe56e057f20f883e");
    }

    #[test]
    fn cookie_and_token() {
        let config = ApiConfig {
            password: Some("123456".into()),
            token: Some("t0k".into()),
            ..ApiConfig::default()
        };
        let mut headers = HeaderMap::new();
        assert!(!credentials_ok(&headers, None, &config));
        headers.insert(
            header::COOKIE,
            "a=b; pass=E10ADC3949BA59ABBE56E057F20F883E"
                .parse()
                .unwrap(),
        );
        assert!(credentials_ok(&headers, None, &config));
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, "bearer t0k".parse().unwrap());
        assert!(credentials_ok(&headers, None, &config));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            format!("{TOKEN_COOKIE}={}", md5_hex("t0k"))
                .parse()
                .unwrap(),
        );
        assert!(credentials_ok(&headers, None, &config));
        assert!(credentials_ok(
            &HeaderMap::new(),
            Some("x=1&access_token=t0k"),
            &config
        ));
        assert!(!credentials_ok(
            &HeaderMap::new(),
            Some("access_token=bad"),
            &config
        ));
    }
}
