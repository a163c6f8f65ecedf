//! `GET /lizi/status`: each event session and push target with the events waiting for it,
//! as the console's state tab shows them.

mod common;

use common::Server;
use serde_json::{json, Value};

async fn status(server: &Server) -> Value {
    let response = server
        .client
        .get(server.url("/lizi/status"))
        .send()
        .await
        .expect("status");
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("json")
}

#[tokio::test]
async fn sessions_and_push_targets_show_what_waits_for_them() {
    // A receiver nobody listens on: its events wait.
    let dead = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}/events", probe.local_addr().expect("addr"))
    };
    let url = dead.clone();
    let server = Server::start_with(move |settings| settings.api.report_urls = vec![url]).await;
    let first = server.session().await;
    let second = server.session().await;
    for text in ["one", "two"] {
        let (code, _) = server
            .sim("message", json!({"from": 20001, "to": 10001, "text": text}))
            .await;
        assert_eq!(code, 200);
    }
    server.events(first).await;
    let status = status(&server).await;
    assert_eq!(
        status["sessions"],
        json!([
            {"id": first, "pending": 0, "lost": 0},
            {"id": second, "pending": 2, "lost": 0},
        ]),
        "{status}"
    );
    assert_eq!(status["push"][0]["url"], dead.as_str());
    assert_eq!(status["push"][0]["pending"], 2, "{status}");
    server.stop().await;
}

#[tokio::test]
async fn the_status_needs_the_credentials_the_api_needs() {
    let server = Server::start_with(|settings| settings.api.token = Some("t0ken".into())).await;
    let response = server
        .client
        .get(server.url("/lizi/status"))
        .send()
        .await
        .expect("status");
    assert_eq!(response.text().await.expect("body"), "Access denied.");
    let response = server
        .client
        .get(server.url("/lizi/status"))
        .bearer_auth("t0ken")
        .send()
        .await
        .expect("status");
    assert_eq!(response.status().as_u16(), 200);
    // The console's page itself holds no data and is served to allowed peers.
    let response = server
        .client
        .get(server.url("/console"))
        .send()
        .await
        .expect("console");
    assert_eq!(response.status().as_u16(), 200);
    assert!(response
        .text()
        .await
        .expect("page")
        .contains("/console/main.js"));
    server.stop().await;
}
