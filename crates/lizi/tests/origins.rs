//! A web page cannot drive a local lizi (docs/architecture.md#principles, "Safe by default"), on any port: a
//! request from another site's page (it carries that page's `Origin`) is refused with 403
//! before anything happens, and a request for a name that is not lizi's (DNS rebinding:
//! `Host: evil.example`) with 421; lizi's own origin, `allow_origins` and `allow_hosts`
//! pass, and bots, which send neither, are not affected.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::Server;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Error as WsError;

const EVIL: &str = "http://evil.example";

/// A POST of `body` to `url` with extra headers; answers the status.
async fn post(server: &Server, url: &str, headers: &[(&str, String)], body: &str) -> u16 {
    let mut request = server
        .client
        .post(url)
        .header("Content-Type", "text/plain")
        .body(body.to_owned());
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    request.send().await.expect("request").status().as_u16()
}

/// The status a WebSocket handshake on `url` gets with an `Origin` header (101 when it
/// succeeds).
async fn handshake_with_origin(url: &str, origin: &str) -> u16 {
    let mut request = url.into_client_request().expect("request");
    request
        .headers_mut()
        .insert("Origin", HeaderValue::from_str(origin).expect("origin"));
    let connect = tokio_tungstenite::connect_async(request);
    match tokio::time::timeout(Duration::from_secs(5), connect).await {
        Err(_) => panic!("{url}: the handshake timed out"),
        Ok(Ok((_, response))) => response.status().as_u16(),
        Ok(Err(WsError::Http(response))) => response.status().as_u16(),
        Ok(Err(error)) => panic!("{url}: {error}"),
    }
}

/// The XLZ API's and the face's send URLs, each with a body that sends a group message.
fn sends(server: &Server, onebot: SocketAddr) -> [(String, &'static str, &'static str); 2] {
    [
        (
            server.url("/sendgroupmsg"),
            "fromqq=10001&togroup=30001&text=sent",
            "api",
        ),
        (
            format!("http://{onebot}/send_group_msg"),
            "group_id=30001&message=sent",
            "onebot",
        ),
    ]
}

async fn group_texts(server: &Server) -> Vec<String> {
    let (status, history) = server
        .sim("history", serde_json::json!({"group": 30001}))
        .await;
    assert_eq!(status, 200, "{history}");
    history["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn other_sites_pages_and_unknown_host_names_are_refused_on_every_port() {
    let (server, onebot) = Server::start_with_onebot(|s| {
        s.api.allow_origins = vec!["http://tool.lan:8080".into()];
        s.api.allow_hosts = vec!["lizi.lan".into()];
    })
    .await;
    for (url, body, port) in sends(&server, onebot) {
        // A form or text/plain POST from another site's page needs no CORS preflight.
        let origin = [("Origin", EVIL.to_owned())];
        assert_eq!(post(&server, &url, &origin, body).await, 403, "{port}");
        let null = [("Origin", "null".to_owned())];
        assert_eq!(post(&server, &url, &null, body).await, 403, "{port}");
        // A rebinding name is refused even without an Origin.
        let rebound = [("Host", "evil.example:10429".to_owned())];
        assert_eq!(post(&server, &url, &rebound, body).await, 421, "{port}");
        for reason in ["origin", "host"] {
            let name =
                format!("lizi_http_refused_total{{listener=\"{port}\",reason=\"{reason}\"}}");
            let wanted = if reason == "origin" { 2 } else { 1 };
            assert_eq!(server.metric(&name).await, wanted, "{port} {reason}");
        }
    }
    assert!(
        group_texts(&server).await.is_empty(),
        "a refused request sent a message"
    );

    // Bots (no Origin), lizi's own page, an allowed origin and an allowed name pass.
    for (url, body, port) in sends(&server, onebot) {
        let authority = url
            .trim_start_matches("http://")
            .split('/')
            .next()
            .expect("authority")
            .to_owned();
        let allowed: [Vec<(&str, String)>; 4] = [
            vec![],
            vec![("Origin", format!("http://{authority}"))],
            vec![("Origin", "http://tool.lan:8080".to_owned())],
            vec![("Host", "lizi.lan".to_owned())],
        ];
        for headers in allowed {
            assert_eq!(
                post(&server, &url, &headers, body).await,
                200,
                "{port} {headers:?}"
            );
        }
    }
    assert_eq!(group_texts(&server).await.len(), 8);

    // WebSockets: browsers open them to any site, with their page's Origin.
    let sockets = [
        format!("ws://{}/ws", server.addr),
        format!("ws://{}/", server.addr),
        format!("ws://{onebot}/"),
    ];
    for url in sockets {
        assert_eq!(handshake_with_origin(&url, EVIL).await, 403, "{url}");
        let authority = url.trim_start_matches("ws://").split('/').next();
        let own = format!("http://{}", authority.expect("authority"));
        assert_eq!(
            handshake_with_origin(&url, &own).await,
            101,
            "{url} from {own}"
        );
    }
}
