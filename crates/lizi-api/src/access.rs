//! Access control: which peers may connect, and the `pass` cookie / bearer token check,
//! made from the request head by the API port's [`ApiGate`] before any body is read.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use lizi_http::{token, Answer, Gate, Reason, Refusal};
use md5::{Digest, Md5};

use crate::config::ApiConfig;
use crate::metrics::Metrics;
use crate::response;

/// The exact body the original sends to a request without the right password.
pub const ACCESS_DENIED: &str = "Access denied.";

/// A remote address or network allowed to connect (`192.168.1.5`, `10.0.0.0/8`, `::1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllowRule {
    network: IpAddr,
    prefix: u8,
}

/// An allow rule that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an IP address or network (e.g. 192.168.1.5 or 10.0.0.0/8)")]
pub struct AllowRuleError(String);

impl FromStr for AllowRule {
    type Err = AllowRuleError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || AllowRuleError(text.to_owned());
        let (address, prefix) = match text.trim().split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text.trim(), None),
        };
        let network: IpAddr = address.parse().map_err(|_| error())?;
        let width = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= width)
                .ok_or_else(error)?,
            None => width,
        };
        Ok(AllowRule { network, prefix })
    }
}

impl AllowRule {
    /// Whether `address` is inside this rule.
    pub fn contains(&self, address: IpAddr) -> bool {
        let address = match address {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(address),
            v4 => v4,
        };
        match (self.network, address) {
            (IpAddr::V4(net), IpAddr::V4(addr)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(addr) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(addr)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(addr) & mask
            }
            _ => false,
        }
    }

    /// Whether every address this rule admits is a loopback address (`127.0.0.0/8` and
    /// narrower, `::1`), so that it lets no other machine in.
    pub fn is_loopback_only(&self) -> bool {
        match self.network {
            IpAddr::V4(net) => net.is_loopback() && self.prefix >= 8,
            IpAddr::V6(net) => match net.to_ipv4_mapped() {
                Some(v4) => v4.is_loopback() && self.prefix >= 96 + 8,
                None => net.is_loopback() && self.prefix == 128,
            },
        }
    }
}

/// Whether a peer may talk to lizi at all: loopback always, others when a rule allows.
pub fn peer_allowed(peer: IpAddr, rules: &[AllowRule]) -> bool {
    let canonical = match peer {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(peer),
        v4 => v4,
    };
    canonical.is_loopback() || rules.iter().any(|rule| rule.contains(canonical))
}

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
        || path == crate::login::CONSOLE_LOGIN
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
    fn rules() {
        let rule: AllowRule = "10.1.0.0/16".parse().unwrap();
        assert!(rule.contains("10.1.2.3".parse().unwrap()));
        assert!(!rule.contains("10.2.0.1".parse().unwrap()));
        assert!(rule.contains("::ffff:10.1.9.9".parse().unwrap()));
        assert!("1.2.3.4/33".parse::<AllowRule>().is_err());
        assert!("nonsense".parse::<AllowRule>().is_err());
        for loopback in ["127.0.0.1", "127.0.0.0/8", "::1", "::ffff:127.0.0.1"] {
            assert!(
                loopback.parse::<AllowRule>().unwrap().is_loopback_only(),
                "{loopback}"
            );
        }
        for remote in [
            "127.0.0.0/7",
            "10.0.0.1",
            "0.0.0.0/0",
            "::/0",
            "::ffff:127.0.0.0/95",
        ] {
            assert!(
                !remote.parse::<AllowRule>().unwrap().is_loopback_only(),
                "{remote}"
            );
        }
        let any: AllowRule = "0.0.0.0/0".parse().unwrap();
        assert!(any.contains("8.8.8.8".parse().unwrap()));
        assert!(peer_allowed("127.0.0.5".parse().unwrap(), &[]));
        assert!(peer_allowed("::1".parse().unwrap(), &[]));
        assert!(!peer_allowed("192.0.2.1".parse().unwrap(), &[]));
    }

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
