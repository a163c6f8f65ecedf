//! The console's protections over HTTP: its pages carry a Content-Security-Policy and no
//! inline script, media opened in a browser cannot run as lizi's page, and
//! `/console/login` answers with `HttpOnly; SameSite=Strict` cookies and slows down an
//! address whose attempts keep failing. (The browser side is in `console.rs`.)

mod common;

use std::time::{Duration, Instant};

use common::Server;

#[tokio::test]
async fn the_console_carries_a_content_security_policy_and_no_inline_script() {
    let server = Server::start().await;
    for path in ["/console", "/console/", "/console/text.js"] {
        let response = server
            .client
            .get(server.url(path))
            .send()
            .await
            .expect("get");
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let policy = response
            .headers()
            .get("content-security-policy")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_else(|| panic!("{path}: no Content-Security-Policy"))
            .to_owned();
        for directive in [
            "script-src 'self'",
            "connect-src 'self'",
            "img-src 'self' http: https: data:",
            "object-src 'none'",
        ] {
            assert!(policy.contains(directive), "{path}: {policy}");
        }
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        assert_eq!(
            response.headers()["x-content-type-options"],
            "nosniff",
            "{path}"
        );
    }
    let page = server
        .client
        .get(server.url("/console"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    for tag in page.split("<script").skip(1) {
        let head = &tag[..tag.find('>').expect("a closed tag")];
        assert!(
            head.contains("src=\"/console/"),
            "an inline script: <script{head}>"
        );
        assert!(
            tag[head.len() + 1..].starts_with("</script>"),
            "<script{tag}"
        );
    }
    assert!(!page.contains(" on"), "no inline event handlers");
}

#[tokio::test]
async fn stored_media_cannot_run_as_a_page_of_lizi() {
    let server = Server::start().await;
    let page = "<script>fetch('/sim/world')</script>";
    let (status, answer) = server
        .sim(
            "send_file",
            serde_json::json!({"from": 20001, "to": 10001, "name": "page.html",
                               "base64": base64(page.as_bytes())}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let (status, files) = server
        .sim("friend_files", serde_json::json!({"account": 10001}))
        .await;
    assert_eq!(status, 200, "{files}");
    let url = files.pointer("/files/0/url").and_then(|u| u.as_str());
    let url = url.unwrap_or_else(|| panic!("no file URL in {files}"));
    let response = server.client.get(url).send().await.expect("media");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-security-policy"], "sandbox");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Posts a login form; answers the status, the `Set-Cookie` values and `Retry-After`.
async fn login(server: &Server, form: &str) -> (u16, Vec<String>, Option<u64>) {
    let response = server
        .client
        .post(server.url("/console/login"))
        .body(form.to_owned())
        .send()
        .await
        .expect("login");
    let cookies = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|value| value.to_str().expect("text").to_owned())
        .collect();
    let retry = response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok()?.parse().ok());
    (response.status().as_u16(), cookies, retry)
}

#[tokio::test]
async fn console_login_sets_http_only_cookies_and_slows_down_failing_addresses() {
    let server = Server::start_with(|s| {
        s.api.password = Some("s3cret".into());
        s.api.token = Some("t0ken".into());
    })
    .await;
    // Three failures are answered, then the address waits, the right password included.
    for form in [
        "password=wrong",
        "token=wrong",
        "password=s3cret&token=wrong",
    ] {
        assert_eq!(login(&server, form).await.0, 403, "{form}");
    }
    let (status, _, retry) = login(&server, "password=s3cret").await;
    assert_eq!(status, 429);
    let retry = retry.expect("Retry-After");
    assert!((1..=2).contains(&retry), "Retry-After: {retry}");
    let cookie = "pass=33e1b232a4e6fa0028a6670753749a17";
    let metric = |name: &'static str| {
        let client = server.client.clone();
        let url = server.url("/metrics");
        async move {
            let text = client
                .get(url)
                .header("Cookie", cookie)
                .send()
                .await
                .expect("metrics")
                .text()
                .await
                .expect("text");
            text.lines()
                .find_map(|line| {
                    line.strip_prefix(name)?
                        .strip_prefix(' ')?
                        .parse::<u64>()
                        .ok()
                })
                .unwrap_or_else(|| panic!("no {name} in {text}"))
        }
    };
    assert_eq!(metric("lizi_console_login_failures_total").await, 3);
    assert_eq!(metric("lizi_console_login_throttled_total").await, 1);

    // Once the wait is over, a right password and token set HttpOnly cookies.
    let started = Instant::now();
    let (status, cookies) = loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let (status, cookies, _) = login(&server, "password=s3cret&token=t0ken").await;
        if status != 429 || started.elapsed() > Duration::from_secs(5) {
            break (status, cookies);
        }
    };
    assert_eq!(status, 200, "{cookies:?}");
    assert_eq!(cookies.len(), 2, "{cookies:?}");
    for cookie in &cookies {
        assert!(
            cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Strict"),
            "{cookie}"
        );
    }
    // Each cookie is a credential for the API on its own.
    for cookie in &cookies {
        let pair = cookie.split(';').next().expect("name=value");
        let response = server
            .client
            .post(server.url("/getlogonqq"))
            .header("Cookie", pair)
            .send()
            .await
            .expect("getlogonqq");
        assert_eq!(response.status().as_u16(), 200, "{pair}");
    }
}
