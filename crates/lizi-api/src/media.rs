//! Media from outside and back out: [`HttpFetcher`] reads local files (only inside the
//! configured `media_dirs`) and http and https URLs (size cap, timeout, no loopback or
//! private addresses unless allowed) for the backend; [`serve`] answers
//! `GET /lizi/media/<hash>` with the stored bytes.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use lizi_core::media::MediaFetcher;
use lizi_core::param::MediaSource;
use lizi_core::{BoxFuture, Failure, FailureKind};

use crate::{response, tls};
use crate::{ApiConfig, AppState};

/// The path prefix of the media route.
pub const MEDIA_PREFIX: &str = "/lizi/media/";

/// Reads `fromtype=1` paths and `fromtype=2` URLs under the server's rules.
#[derive(Debug, Clone)]
pub struct HttpFetcher {
    dirs: Vec<PathBuf>,
    max_bytes: u64,
    timeout: Duration,
    allow_private: bool,
    extra_roots: Vec<reqwest::Certificate>,
}

fn refused(message: impl Into<String>) -> Failure {
    Failure::new(FailureKind::Refused, message)
}

impl HttpFetcher {
    /// A fetcher with the media settings of `config`.
    pub fn new(config: &ApiConfig) -> HttpFetcher {
        HttpFetcher {
            dirs: config.media_dirs.clone(),
            max_bytes: config.fetch_max_bytes,
            timeout: Duration::from_millis(config.fetch_timeout_ms.max(1)),
            allow_private: config.fetch_allow_private,
            extra_roots: config.extra_roots.clone(),
        }
    }

    fn too_big(&self, what: &str) -> Failure {
        refused(format!(
            "{what} is larger than the limit of {} bytes (fetch_max_bytes)",
            self.max_bytes
        ))
    }

    /// A local file inside one of the media folders (symlinks and `..` resolved first).
    async fn read_path(&self, path: &str) -> Result<Vec<u8>, Failure> {
        if self.dirs.is_empty() {
            return Err(refused(
                "reading local files (fromtype=1, [picFile]) is off: no folders are allowed; \
                 set media_dirs (--media-dir, LIZI_MEDIA_DIRS) to allow some",
            ));
        }
        let given = Path::new(path);
        if !given.is_absolute() {
            return Err(refused(format!("`{path}` is not an absolute path")));
        }
        let real = tokio::fs::canonicalize(given).await.map_err(|e| {
            Failure::new(FailureKind::NotFound, format!("cannot open `{path}`: {e}"))
        })?;
        let mut inside = false;
        for dir in &self.dirs {
            if let Ok(dir) = tokio::fs::canonicalize(dir).await {
                inside |= real.starts_with(&dir);
            }
        }
        if !inside {
            return Err(refused(format!(
                "`{path}` is outside the folders allowed by media_dirs"
            )));
        }
        let meta = tokio::fs::metadata(&real)
            .await
            .map_err(|e| Failure::new(FailureKind::NotFound, format!("`{path}`: {e}")))?;
        if !meta.is_file() {
            return Err(refused(format!("`{path}` is not a file")));
        }
        if meta.len() > self.max_bytes {
            return Err(self.too_big(&format!("`{path}`")));
        }
        let bytes = tokio::fs::read(&real)
            .await
            .map_err(|e| Failure::new(FailureKind::NotFound, format!("`{path}`: {e}")))?;
        if bytes.len() as u64 > self.max_bytes {
            return Err(self.too_big(&format!("`{path}`")));
        }
        Ok(bytes)
    }

    /// Fails unless `ip` may be fetched from.
    fn check_ip(&self, url: &str, ip: IpAddr) -> Result<(), Failure> {
        if !self.allow_private && !is_public(ip) {
            return Err(refused(format!(
                "`{url}` resolves to {ip}, a loopback, private or reserved address; \
                 set fetch_allow_private to allow it"
            )));
        }
        Ok(())
    }

    /// An http or https URL: the address checked, pinned, no redirects, capped and timed.
    async fn read_url(&self, text: &str) -> Result<Vec<u8>, Failure> {
        let url = reqwest::Url::parse(text)
            .map_err(|e| Failure::new(FailureKind::Invalid, format!("`{text}`: {e}")))?;
        let https = match url.scheme() {
            "http" => false,
            "https" => true,
            other => return Err(refused(format!("`{text}`: {other} URLs are not supported"))),
        };
        let host = url
            .host_str()
            .ok_or_else(|| Failure::new(FailureKind::Invalid, format!("`{text}` has no host")))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = url.port_or_known_default().unwrap_or(80);
        let addrs: Vec<SocketAddr> = match host.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => {
                let lookup = tokio::net::lookup_host((host.as_str(), port));
                tokio::time::timeout(self.timeout, lookup)
                    .await
                    .map_err(|_| refused(format!("`{text}`: resolving {host} timed out")))?
                    .map_err(|e| refused(format!("`{text}`: cannot resolve {host}: {e}")))?
                    .collect()
            }
        };
        let addr = *addrs
            .first()
            .ok_or_else(|| refused(format!("`{text}`: {host} has no address")))?;
        for addr in &addrs {
            self.check_ip(text, addr.ip())?;
        }
        let builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .resolve(&host, addr);
        // Root certificates are loaded only for https, so http fetches stay cheap.
        let builder = match https {
            true => tls::trusting(builder, &self.extra_roots),
            false => builder.tls_built_in_root_certs(false),
        };
        let client = builder
            .build()
            .map_err(|e| Failure::new(FailureKind::Internal, format!("HTTP client: {e}")))?;
        let fetch = async {
            let mut response = client.get(url.clone()).send().await.map_err(|e| {
                refused(format!(
                    "fetching `{text}` failed: {}",
                    tls::error_chain(&e)
                ))
            })?;
            let status = response.status();
            if !status.is_success() {
                return Err(refused(format!(
                    "fetching `{text}` failed: HTTP {status} (redirects are not followed)"
                )));
            }
            if response
                .content_length()
                .is_some_and(|n| n > self.max_bytes)
            {
                return Err(self.too_big(&format!("`{text}`")));
            }
            let mut bytes = Vec::new();
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|e| refused(format!("fetching `{text}` failed: {e}")))?
            {
                if (bytes.len() + chunk.len()) as u64 > self.max_bytes {
                    return Err(self.too_big(&format!("`{text}`")));
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(bytes)
        };
        tokio::time::timeout(self.timeout, fetch)
            .await
            .map_err(|_| {
                refused(format!(
                    "fetching `{text}` took longer than {} ms (fetch_timeout_ms)",
                    self.timeout.as_millis()
                ))
            })?
    }
}

impl MediaFetcher for HttpFetcher {
    fn fetch<'a>(&'a self, source: &'a MediaSource) -> BoxFuture<'a, Result<Vec<u8>, Failure>> {
        Box::pin(async move {
            match source {
                MediaSource::Inline(bytes) => Ok(bytes.clone()),
                MediaSource::Path(path) => self.read_path(path).await,
                MediaSource::Url(url) => self.read_url(url).await,
            }
        })
    }
}

/// Whether `ip` is a public unicast address (not loopback, private, link-local, shared,
/// multicast, documentation or otherwise reserved).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = embedded_ipv4(v6) {
                return is_public(IpAddr::V4(v4));
            }
            let [first, second, ..] = v6.segments();
            // IPv4-compatible `::a.b.c.d` (deprecated by RFC 4291, never routed) and the
            // local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215) are never public.
            if v6.octets()[..12] == [0; 12] || (first == 0x64 && second == 0xff9b) {
                return false;
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && second == 0x0db8)
        }
    }
}

/// The IPv4 address an IPv6 address stands for, whose rules then apply: IPv4-mapped
/// `::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d` (RFC 6052) and 6to4 `2002:AABB:CCDD::/48`
/// (RFC 3056).
fn embedded_ipv4(v6: std::net::Ipv6Addr) -> Option<std::net::Ipv4Addr> {
    let octets = v6.octets();
    let v4 = |at: usize| {
        std::net::Ipv4Addr::new(octets[at], octets[at + 1], octets[at + 2], octets[at + 3])
    };
    match v6.segments() {
        [0, 0, 0, 0, 0, 0xffff, _, _] => Some(v4(12)),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(v4(12)),
        [0x2002, ..] => Some(v4(2)),
        _ => None,
    }
}

/// `GET /lizi/media/<hash>`: the bytes of a stored picture, voice or file.
pub async fn serve(state: &AppState, path: &str) -> Response {
    let hash = path.strip_prefix(MEDIA_PREFIX).unwrap_or_default();
    match state.backend.media(hash).await {
        Some(media) => {
            let content_type = HeaderValue::from_str(&media.content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream"));
            // The original's image host sent the byte count as `Size` too; clients read it.
            let size = HeaderValue::from(media.bytes.len());
            let mut response = (StatusCode::OK, media.bytes).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, content_type);
            response
                .headers_mut()
                .insert(HeaderName::from_static("size"), size);
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            );
            // Stored files come from bots and peers: one opened in a browser must not run
            // as a page of lizi's origin (an HTML file sent as a group file, say).
            response.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("sandbox"),
            );
            response.headers_mut().insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            response
        }
        None => response::error(StatusCode::NOT_FOUND, format!("no media at {path}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_addresses() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["1.1.1.1", "93.184.216.34", "2606:4700::1111"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn ipv6_forms_of_ipv4_addresses_follow_the_ipv4_rules() {
        // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address: private
        // inside, private outside; public inside, public outside.
        for private in [
            "64:ff9b::127.0.0.1",
            "64:ff9b::10.0.0.1",
            "64:ff9b::a9fe:a9fe", // 169.254.169.254
            "64:ff9b::192.168.1.1",
            "2002:7f00:1::1",      // 127.0.0.1
            "2002:a00:1::",        // 10.0.0.1
            "2002:c0a8:101:5::99", // 192.168.1.1
            "2002:a9fe:a9fe::1",   // 169.254.169.254
            "2002:6440:1::1",      // 100.64.0.1
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in [
            "64:ff9b::1.1.1.1",
            "64:ff9b::5db8:d822", // 93.184.216.34
            "2002:101:101::1",    // 1.1.1.1
            "2002:5db8:d822::",   // 93.184.216.34
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
        // IPv4-compatible addresses are deprecated and never routed: none is public,
        // whatever IPv4 address they hold; nor is the local-use NAT64 prefix.
        for never in [
            "::127.0.0.1",
            "::10.0.0.1",
            "::1.1.1.1",
            "::93.184.216.34",
            "64:ff9b:1::1.1.1.1",
        ] {
            assert!(!is_public(never.parse().unwrap()), "{never}");
        }
    }

    fn fetcher(dirs: Vec<PathBuf>) -> HttpFetcher {
        HttpFetcher::new(&ApiConfig {
            media_dirs: dirs,
            fetch_max_bytes: 8,
            ..ApiConfig::default()
        })
    }

    #[tokio::test]
    async fn paths_stay_inside_media_dirs() {
        let root = std::env::temp_dir().join(format!("lizi-media-unit-{}", std::process::id()));
        let inside = root.join("inside");
        std::fs::create_dir_all(&inside).unwrap();
        std::fs::write(inside.join("ok.bin"), b"12345").unwrap();
        std::fs::write(inside.join("big.bin"), b"123456789").unwrap();
        std::fs::write(root.join("secret.txt"), b"secret").unwrap();
        let _ = std::os::unix::fs::symlink(root.join("secret.txt"), inside.join("link.txt"));
        let path = |p: &Path| MediaSource::Path(p.to_string_lossy().into_owned());

        let none = fetcher(Vec::new());
        let refused = none.fetch(&path(&inside.join("ok.bin"))).await.unwrap_err();
        assert!(
            refused.message.contains("media_dirs"),
            "{}",
            refused.message
        );

        let fetcher = fetcher(vec![inside.clone()]);
        assert_eq!(
            fetcher.fetch(&path(&inside.join("ok.bin"))).await.unwrap(),
            b"12345"
        );
        for escape in [
            inside.join("../secret.txt"),
            inside.join("link.txt"),
            root.join("secret.txt"),
        ] {
            let refused = fetcher.fetch(&path(&escape)).await.unwrap_err();
            assert_eq!(refused.kind, FailureKind::Refused, "{escape:?}");
        }
        let big = fetcher
            .fetch(&path(&inside.join("big.bin")))
            .await
            .unwrap_err();
        assert!(big.message.contains("fetch_max_bytes"), "{}", big.message);
        let relative = fetcher
            .fetch(&MediaSource::Path("inside/ok.bin".into()))
            .await
            .unwrap_err();
        assert_eq!(relative.kind, FailureKind::Refused);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[tokio::test]
    async fn urls_are_checked_before_fetching() {
        let fetcher = fetcher(Vec::new());
        for (url, needle) in [
            ("ftp://example.com/a.png", "ftp"),
            ("http://127.0.0.1:9/a.png", "fetch_allow_private"),
            ("http://[::1]:9/a.png", "fetch_allow_private"),
            ("http://10.0.0.1/a.png", "fetch_allow_private"),
            ("http://localhost:9/a.png", "fetch_allow_private"),
        ] {
            let refused = fetcher
                .fetch(&MediaSource::Url(url.into()))
                .await
                .unwrap_err();
            assert!(
                refused.message.contains(needle),
                "{url}: {}",
                refused.message
            );
        }
    }
}
