//! Settings of the API layer.

use lizi_http::{NameError, Names, PortConfig};

use crate::peers::AllowRule;

/// Settings of the API layer.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// The password whose md5 clients send in the `pass` cookie; `None` disables the check.
    pub password: Option<String>,
    /// A bearer token accepted in `Authorization: Bearer …` (or `access_token=` in the
    /// query string, for WebSocket clients that cannot set headers).
    pub token: Option<String>,
    /// Remote peers allowed besides loopback.
    pub allow_from: Vec<AllowRule>,
    /// URLs each event is POSTed to.
    pub report_urls: Vec<String>,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Whether `/getskey`, `/getpskey` and `/getclientkey` are routed.
    pub key_access: bool,
    /// Longest wait between two push retries, in milliseconds.
    pub push_max_backoff_ms: u64,
    /// Timeout of one push request, in milliseconds.
    pub push_timeout_ms: u64,
    /// Folders whose files `fromtype=1` and `[picFile,path=…]` may read (none: refused).
    pub media_dirs: Vec<std::path::PathBuf>,
    /// Largest file or download accepted as media, in bytes.
    pub fetch_max_bytes: u64,
    /// Timeout of one media download (`fromtype=2`), in milliseconds.
    pub fetch_timeout_ms: u64,
    /// Whether media URLs may point at loopback, private or reserved addresses.
    pub fetch_allow_private: bool,
    /// The base URL (`http://host:port`) of the picture and file URLs lizi hands out;
    /// `None`: `http://<bound address>`.
    pub public_url: Option<String>,
    /// CA certificates trusted besides the system's for https report URLs and media
    /// downloads (read from `tls_ca_file` by [`load_ca_file`](crate::load_ca_file)).
    pub extra_roots: Vec<reqwest::Certificate>,
    /// Most `key=value` parameters in one request (body and query string together).
    pub max_params: usize,
    /// Longest wait for a connection's first request head, in milliseconds (0: no limit).
    pub header_timeout_ms: u64,
    /// Longest wait for the next request head on a kept-alive connection, counted from
    /// the previous answer, in milliseconds (0: no limit).
    pub idle_timeout_ms: u64,
    /// Most connections open at once on each port (WebSockets included); more are refused.
    pub max_connections: usize,
    /// Longest time a request body may take to arrive after its head, in milliseconds
    /// (0: no limit).
    pub body_timeout_ms: u64,
    /// Most bytes of request bodies held in memory at once, over every port; a body that
    /// does not fit waits for room, up to `body_timeout_ms`, then gets 503.
    pub max_body_memory_bytes: usize,
    /// Host names clients may reach lizi by, besides loopback names and addresses, the
    /// listen address and `public_url`'s host (`*`: any).
    pub allow_hosts: Vec<String>,
    /// Web origins (`http://host:port`) whose pages may call lizi, besides its own
    /// (`*`: any).
    pub allow_origins: Vec<String>,
    /// Interval between two Pings on a WebSocket, in milliseconds (0: no Pings).
    pub ws_ping_interval_ms: u64,
    /// A WebSocket silent (no Pong or other frame) this long is closed, in milliseconds.
    pub ws_timeout_ms: u64,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            password: None,
            token: None,
            allow_from: Vec::new(),
            report_urls: Vec::new(),
            max_body_bytes: 32 * 1024 * 1024,
            key_access: false,
            push_max_backoff_ms: 30_000,
            push_timeout_ms: 10_000,
            media_dirs: Vec::new(),
            fetch_max_bytes: 20 * 1024 * 1024,
            fetch_timeout_ms: 15_000,
            fetch_allow_private: false,
            public_url: None,
            extra_roots: Vec::new(),
            max_params: 1_000,
            header_timeout_ms: 30_000,
            idle_timeout_ms: 60_000,
            max_connections: 1_000,
            body_timeout_ms: 30_000,
            max_body_memory_bytes: 256 * 1024 * 1024,
            allow_hosts: Vec::new(),
            allow_origins: Vec::new(),
            ws_ping_interval_ms: 30_000,
            ws_timeout_ms: 75_000,
        }
    }
}

impl ApiConfig {
    /// The settings of a port serving with these limits and names (the XLZ API's, and the
    /// OneBot face's, which shares them).
    pub fn port_config(&self) -> Result<PortConfig, NameError> {
        Ok(PortConfig {
            header_timeout: PortConfig::millis(self.header_timeout_ms),
            idle_timeout: PortConfig::millis(self.idle_timeout_ms),
            body_timeout: PortConfig::millis(self.body_timeout_ms),
            max_connections: self.max_connections,
            max_body_bytes: self.max_body_bytes,
            names: Names::new(
                &self.allow_hosts,
                &self.allow_origins,
                self.public_url.as_deref(),
            )?,
        })
    }
}
