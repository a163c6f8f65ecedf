//! `--log-format json`: every line lizi writes is a JSON object, and at debug level each
//! HTTP request has its line with method, path, status and duration.

use serde_json::Value;

use crate::common::child::Lizi;
use crate::common::Scratch;

#[tokio::test]
async fn json_lines_carry_a_line_per_request_at_debug() {
    let scratch = Scratch::new("json-logs");
    let data = scratch.data();
    let args = [
        "--listen",
        "127.0.0.1:0",
        "--data",
        data.as_str(),
        "--log-format",
        "json",
    ];
    let mut lizi = Lizi::spawn(&scratch.0, &args, &[("LIZI_LOG", "lizi_http=debug,info")]);
    let port = lizi.port();
    let client = reqwest::Client::new();
    let answer = client
        .post(format!("http://127.0.0.1:{port}/getlogonqq?secret=hidden"))
        .send()
        .await
        .expect("request");
    assert_eq!(answer.status().as_u16(), 200);
    let missing = client
        .get(format!("http://127.0.0.1:{port}/no/such/endpoint"))
        .send()
        .await
        .expect("request");
    assert_eq!(missing.status().as_u16(), 404);
    let stderr = lizi.terminate();

    let lines: Vec<Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    for line in &lines {
        for key in ["timestamp", "level", "target", "message"] {
            assert!(line.get(key).is_some(), "no {key} in {line}");
        }
    }
    let request = |path: &str| {
        lines
            .iter()
            .find(|line| line["message"] == "request" && line["path"] == path)
            .unwrap_or_else(|| panic!("no request line for {path}: {stderr}"))
            .clone()
    };
    let login = request("/getlogonqq");
    assert_eq!(login["level"], "DEBUG");
    assert_eq!(login["method"], "POST");
    assert_eq!(login["status"], 200);
    assert!(
        login["duration_ms"].as_f64().is_some_and(|ms| ms >= 0.0),
        "{login}"
    );
    assert!(!stderr.contains("hidden"), "the query string is not logged");
    assert_eq!(request("/no/such/endpoint")["status"], 404);
    assert!(
        lines
            .iter()
            .any(|line| line["level"] == "INFO" && line["message"] == "lizi stopped"),
        "{stderr}"
    );
}

#[tokio::test]
async fn text_lines_have_no_request_lines_at_info() {
    let scratch = Scratch::new("text-logs");
    let data = scratch.data();
    let args = ["--listen", "127.0.0.1:0", "--data", data.as_str()];
    let mut lizi = Lizi::spawn(&scratch.0, &args, &[]);
    let port = lizi.port();
    let answer = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/getlogonqq"))
        .send()
        .await
        .expect("request");
    assert_eq!(answer.status().as_u16(), 200);
    let stderr = lizi.terminate();
    assert!(
        stderr.lines().all(|line| !line.starts_with('{')),
        "{stderr}"
    );
    assert!(!stderr.contains("/getlogonqq"), "{stderr}");
    assert!(stderr.contains("lizi stopped"), "{stderr}");
}
