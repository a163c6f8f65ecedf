//! The names a port answers to: the `Host` and `Origin` checks that keep a web page from
//! driving a local lizi.
//!
//! - **DNS rebinding.** A page on `evil.example` can make its own name resolve to
//!   127.0.0.1 and then read lizi's answers as same-origin; its requests carry
//!   `Host: evil.example`. A request whose `Host` is not a loopback name or address, the
//!   address the connection came in on (the listen address), `public_url`'s host or a
//!   name in `allow_hosts` is refused with 421.
//! - **Cross-site requests.** A page can POST a form or `text/plain` body to lizi without
//!   a CORS preflight, and browsers open WebSockets to any origin; both carry `Origin`.
//!   A request whose `Origin` is present and is not lizi's own (the scheme and the very
//!   `Host` it was sent to, or `public_url`'s origin) or one in `allow_origins` is refused
//!   with 403. Bots send no `Origin`, so they are not affected.
//!
//! `*` in either list lets every name (or origin) in, for a proxy that rewrites them.

use std::net::{IpAddr, SocketAddr};

use http::header::{HOST, ORIGIN};
use http::request::Parts;
use http::StatusCode;

use crate::gate::{Reason, Refusal};

/// A name or origin in the settings that cannot be one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// An `allow_hosts` entry that is not a host name or address.
    #[error(
        "`{0}` is not a host name or address (e.g. lizi.lan or 192.168.1.5, no scheme or port)"
    )]
    Host(String),
    /// An `allow_origins` entry that is not `scheme://host[:port]`.
    #[error("`{0}` is not an origin (e.g. http://192.168.1.5:8080, with no path)")]
    Origin(String),
}

/// The names and origins one port accepts besides its own.
#[derive(Debug, Clone, Default)]
pub struct Names {
    hosts: Vec<String>,
    any_host: bool,
    origins: Vec<String>,
    any_origin: bool,
    /// `public_url`'s host and origin.
    public: Option<(String, String)>,
}

impl Names {
    /// The names of `allow_hosts`, the origins of `allow_origins`, and `public_url`'s.
    pub fn new(
        allow_hosts: &[String],
        allow_origins: &[String],
        public_url: Option<&str>,
    ) -> Result<Names, NameError> {
        let mut names = Names::default();
        for host in allow_hosts
            .iter()
            .map(|h| h.trim())
            .filter(|h| !h.is_empty())
        {
            if host == "*" {
                names.any_host = true;
                continue;
            }
            let name = match host.parse::<IpAddr>() {
                Ok(address) => Some(canonical(address).to_string()),
                Err(_) => host_of(host).filter(|name| {
                    !name.contains(':') && name.len() == host.trim_end_matches('.').len()
                }),
            };
            names
                .hosts
                .push(name.ok_or_else(|| NameError::Host(host.to_owned()))?);
        }
        for origin in allow_origins
            .iter()
            .map(|o| o.trim())
            .filter(|o| !o.is_empty())
        {
            if origin == "*" {
                names.any_origin = true;
                continue;
            }
            let parsed = origin_of(origin.trim_end_matches('/'))
                .ok_or_else(|| NameError::Origin(origin.to_owned()))?;
            names.origins.push(parsed.0);
        }
        if let Some(url) = public_url {
            let origin = url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
            let (origin, authority) =
                origin_of(&origin).ok_or_else(|| NameError::Origin(url.to_owned()))?;
            let host = host_of(&authority).ok_or_else(|| NameError::Origin(url.to_owned()))?;
            names.public = Some((comparable(host), origin));
        }
        Ok(names)
    }

    /// Refuses a request whose `Host` or `Origin` is not lizi's, from its head; `local` is
    /// the address the connection came in on.
    pub(crate) fn check(&self, head: &Parts, local: SocketAddr) -> Result<(), Refusal> {
        let host = head.headers.get(HOST).map(|value| value.to_str());
        let host = match host {
            None => None,
            Some(Ok(text)) => Some(text.trim()),
            Some(Err(_)) => return Err(misdirected("(not text)")),
        };
        if let Some(host) = host {
            if !self.host_allowed(host, local) {
                return Err(misdirected(host));
            }
        }
        let Some(origin) = head.headers.get(ORIGIN) else {
            return Ok(());
        };
        let origin = origin.to_str().unwrap_or("(not text)").trim();
        if self.origin_allowed(origin, host) {
            Ok(())
        } else {
            Err(Refusal::new(
                StatusCode::FORBIDDEN,
                Reason::Origin,
                format!(
                    "requests from the web page at {origin} are refused; add it to allow_origins \
                     to let it use lizi"
                ),
            ))
        }
    }

    fn host_allowed(&self, host: &str, local: SocketAddr) -> bool {
        if self.any_host {
            return true;
        }
        let Some(name) = host_of(host).map(comparable) else {
            return false;
        };
        if name == "localhost" || name.ends_with(".localhost") {
            return true;
        }
        if let Ok(address) = name.parse::<IpAddr>() {
            let address = canonical(address);
            if address.is_loopback() || address == canonical(local.ip()) {
                return true;
            }
        }
        self.public
            .as_ref()
            .is_some_and(|(public, _)| *public == name)
            || self.hosts.contains(&name)
    }

    fn origin_allowed(&self, origin: &str, host: Option<&str>) -> bool {
        if self.any_origin {
            return true;
        }
        let Some((origin, authority)) = origin_of(origin) else {
            return false;
        };
        let own = host.is_some_and(|host| host.eq_ignore_ascii_case(&authority));
        own || self
            .public
            .as_ref()
            .is_some_and(|(_, public)| *public == origin)
            || self.origins.contains(&origin)
    }
}

fn misdirected(host: &str) -> Refusal {
    Refusal::new(
        StatusCode::MISDIRECTED_REQUEST,
        Reason::Host,
        format!(
            "`{host}` is not a name of this lizi; add it to allow_hosts if clients reach lizi \
             by that name"
        ),
    )
}

/// An IPv4-mapped IPv6 address as the IPv4 address it is.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// A host name as compared: an address in its canonical form, a name as it is.
fn comparable(host: String) -> String {
    match host.parse::<IpAddr>() {
        Ok(address) => canonical(address).to_string(),
        Err(_) => host,
    }
}

/// The host of a `Host` value (`name`, `name:port`, `[::1]:port`), lower-case, without
/// its port or a trailing dot; `None` when it is not one.
fn host_of(authority: &str) -> Option<String> {
    let authority = authority.trim();
    let (host, port) = match authority.strip_prefix('[') {
        Some(rest) => {
            let (v6, after) = rest.split_once(']')?;
            v6.parse::<std::net::Ipv6Addr>().ok()?;
            (v6, after.strip_prefix(':'))
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    if port.is_some_and(|port| port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let valid = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b':'));
    valid.then_some(host)
}

/// An origin (`scheme://host[:port]`) lower-cased, and its authority; `None` when it is
/// not one (`null`, a path, another scheme).
fn origin_of(origin: &str) -> Option<(String, String)> {
    let lower = origin.trim().to_ascii_lowercase();
    let (scheme, authority) = lower.split_once("://")?;
    if !matches!(scheme, "http" | "https") || authority.contains('/') {
        return None;
    }
    host_of(authority)?;
    let authority = authority.to_owned();
    Some((lower, authority))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(host: Option<&str>, origin: Option<&str>) -> Parts {
        let mut request = http::Request::builder().uri("/x");
        if let Some(host) = host {
            request = request.header(HOST, host);
        }
        if let Some(origin) = origin {
            request = request.header(ORIGIN, origin);
        }
        request.body(()).expect("request").into_parts().0
    }

    const LOCAL: &str = "127.0.0.1:10429";

    fn check(names: &Names, host: Option<&str>, origin: Option<&str>) -> Option<Reason> {
        let local = LOCAL.parse().expect("address");
        names
            .check(&head(host, origin), local)
            .err()
            .map(|refusal| refusal.reason)
    }

    #[test]
    fn loopback_names_and_the_listen_address_are_accepted() {
        let names = Names::default();
        for host in [
            "127.0.0.1:10429",
            "127.0.0.2",
            "localhost:10429",
            "LocalHost.",
            "a.localhost",
            "[::1]:10429",
            "[::ffff:127.0.0.1]:1",
        ] {
            assert_eq!(check(&names, Some(host), None), None, "{host}");
        }
        assert_eq!(check(&names, None, None), None, "no Host at all");
        let lan: SocketAddr = "192.168.1.5:10429".parse().expect("address");
        assert!(names
            .check(&head(Some("192.168.1.5:10429"), None), lan)
            .is_ok());
        for host in [
            "evil.example",
            "evil.example:10429",
            "192.168.1.5",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "a b",
            "[nonsense]",
            "host:port",
        ] {
            assert_eq!(
                check(&names, Some(host), None),
                Some(Reason::Host),
                "{host}"
            );
        }
    }

    #[test]
    fn allowed_and_public_names_are_accepted() {
        let names = Names::new(
            &["Lizi.Lan".into(), " ".into(), "FE80:0::1".into()],
            &[],
            Some("https://bots.example.org:8443"),
        )
        .expect("names");
        assert_eq!(check(&names, Some("lizi.lan:10429"), None), None);
        assert_eq!(check(&names, Some("bots.example.org"), None), None);
        assert_eq!(check(&names, Some("[fe80::1]:1"), None), None);
        assert_eq!(check(&names, Some("other.lan"), None), Some(Reason::Host));
        let any = Names::new(&["*".into()], &[], None).expect("names");
        assert_eq!(check(&any, Some("anything.example"), None), None);
        assert!(Names::new(&["http://x".into()], &[], None).is_err());
        assert!(Names::new(&["x/y".into()], &[], None).is_err());
        assert!(Names::new(&["lizi.lan:8080".into()], &[], None).is_err());
    }

    #[test]
    fn only_lizis_own_origin_and_allowed_ones_pass() {
        let names = Names::new(
            &[],
            &["http://tool.lan:8080/".into()],
            Some("https://bots.example.org"),
        )
        .expect("names");
        let host = Some(LOCAL);
        assert_eq!(check(&names, host, Some("http://127.0.0.1:10429")), None);
        assert_eq!(check(&names, host, Some("HTTP://127.0.0.1:10429")), None);
        assert_eq!(check(&names, host, Some("http://tool.lan:8080")), None);
        assert_eq!(
            check(
                &names,
                Some("bots.example.org"),
                Some("https://bots.example.org")
            ),
            None
        );
        for origin in [
            "http://evil.example",
            "null",
            "http://127.0.0.1:10430",
            "http://127.0.0.1",
            "file://",
            "http://tool.lan:8080/path",
        ] {
            assert_eq!(
                check(&names, host, Some(origin)),
                Some(Reason::Origin),
                "{origin}"
            );
        }
        assert!(Names::new(&[], &["tool.lan".into()], None).is_err());
        let any = Names::new(&[], &["*".into()], None).expect("names");
        assert_eq!(check(&any, host, Some("http://evil.example")), None);
    }
}
