//! The README's examples, run as a person would: its tour against the real binary (see
//! `doc_support::walk`), each answer checked against the one shown beneath it; and the
//! answer shapes the XLZ API chapter documents, checked against real answers.

mod common;
mod doc_support;

use std::process::Command;

use common::child::Lizi;
use common::temp_dir;
use doc_support::markdown::{items, matches, Item};
use doc_support::walk::Walk;
use serde_json::Value;

#[test]
fn shown_answers_are_matched_by_their_shape() {
    assert!(matches(r#"{"session_id":1}"#, r#"{"session_id":17}"#));
    assert!(matches(r#"{"a":[1,...]}"#, r#"{"a":[2,3,4]}"#));
    assert!(matches(r#"{"a":"x…"}"#, r#"{"a":"xyz"}"#));
    assert!(!matches(r#"{"session_id":1}"#, r#"{"session_id":"1"}"#));
    assert!(!matches(r#"{"status":"OK"}"#, r#"{"status":"failed"}"#));
    assert!(!matches(r#"{"a":1}"#, r#"{"a":1,"b":2}"#));
}

/// The README's tour runs, in order, on a lizi started as the README starts it, and
/// answers what the README shows.
#[test]
fn every_readme_example_runs_and_answers_as_shown() {
    let text = doc_support::read("README.md");
    let curls = items(&text)
        .iter()
        .filter(|item| matches!(item, Item::Command { line, .. } if line.starts_with("curl ")))
        .count();
    assert!(curls >= 8, "expected the tour's curl lines, found {curls}");
    let ran = Walk::run("README.md");
    assert!(ran > curls, "the tour ran {ran} commands");
}

fn start_lizi(tag: &str, extra: &[&str]) -> (Lizi, String, std::path::PathBuf) {
    let dir = temp_dir(tag);
    let data = dir.join("data");
    let mut args = vec![
        "--listen",
        "127.0.0.1:0",
        "--data",
        data.to_str().expect("UTF-8 path"),
    ];
    args.extend_from_slice(extra);
    let mut lizi = Lizi::spawn(&dir, &args, &[]);
    let port = lizi.port();
    (lizi, format!("http://127.0.0.1:{port}"), dir)
}

/// `curl -s <args>`'s output.
fn curl(args: &[&str]) -> String {
    let output = Command::new("curl")
        .arg("-s")
        .args(args)
        .output()
        .expect("run curl");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The failure answers the XLZ API chapter's table shows are the ones lizi gives, byte for
/// byte (but for the retcode text's time).
#[test]
fn documented_failure_shapes_are_real() {
    let text = doc_support::read("docs/xlz-api.md");
    let (mut lizi, base, dir) = start_lizi("readme-failures", &[]);
    let cases = [
        (
            "/kickgroupmember",
            "fromqq=10001&group=30001&toqq=999&ignoreaddgrequest=false",
            r#"{"ret":"false","retcode":3,"retmsg":"there is no user 999 on the simulated network"}"#,
        ),
        (
            "/sendprivatepic",
            "fromqq=10001&toqq=20009&fromtype=0&pic=aGVsbG8=",
            r#"{"ret":"","retcode":3,"retmsg":"there is no user 20009 on the simulated network"}"#,
        ),
        (
            "/getfriendlist",
            "logonqq=99",
            r#"{"ret":"0","List":[],"retcode":1,"retmsg":"99 is not a framework account"}"#,
        ),
        (
            "/getforwardedmsg",
            "logonqq=10001&resid=nope",
            r#"{"List":[],"retcode":9,"retmsg":"there is no forwarded bundle nope"}"#,
        ),
        (
            "/setfriendaddrequest",
            "fromqq=10001&qq=20003&seq=77&op=1",
            r#"{"ret":"{\"retcode\":9,\"retmsg\":\"there is no pending request 77\",\"time\":\"…\"}"}"#,
        ),
        (
            "/nope",
            "",
            r#"{"ret":"error","error":"no endpoint at /nope"}"#,
        ),
        (
            "/sendgroupmsg",
            "fromqq=10001&togroup=30001",
            r#"{"ret":"error","error":"/sendgroupmsg: parameter `text`: is required","param":"text","problem":"is required"}"#,
        ),
    ];
    for (path, body, documented) in cases {
        assert!(
            text.contains(documented),
            "docs/xlz-api.md does not show {documented}"
        );
        let answer = curl(&["-X", "POST", &format!("{base}{path}"), "-d", body]);
        assert!(
            matches(documented, &answer),
            "{path}: docs/xlz-api.md shows {documented}, lizi answered {answer}"
        );
    }
    lizi.terminate();
    let _ = std::fs::remove_dir_all(dir);
}

/// The parameters of one row of the endpoint list: `(name, required)` in order.
fn documented_params(cell: &str) -> Vec<(String, bool)> {
    cell.split(", ")
        .filter(|p| p.trim() != "–")
        .map(|p| {
            let p = p.trim();
            let required = p.starts_with("**");
            (p.trim_matches('*').trim_matches('`').to_owned(), required)
        })
        .collect()
}

/// The XLZ API chapter lists every endpoint lizi serves, with exactly its parameters (the
/// required ones in bold), in the order of `/openapi.json`, and nothing else.
#[test]
fn the_endpoint_list_is_the_endpoint_table() {
    let text = doc_support::read("docs/xlz-api.md");
    let (mut lizi, base, dir) = start_lizi("readme-endpoints", &["--key-access"]);
    let openapi: Value =
        serde_json::from_str(&curl(&[&format!("{base}/openapi.json")])).expect("openapi JSON");
    let mut served = Vec::new();
    for (path, item) in openapi["paths"].as_object().expect("paths") {
        let operation = item
            .get("post")
            .or_else(|| item.get("get"))
            .expect("an operation");
        let tag = operation["tags"][0].as_str().unwrap_or_default();
        if tag != "XLZ API" && tag != "sessions" {
            continue;
        }
        let schema = operation["requestBody"]["content"]
            .as_object()
            .and_then(|content| content.values().next())
            .map(|media| media["schema"].clone())
            .unwrap_or(Value::Null);
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let params: Vec<(String, bool)> = schema["properties"]
            .as_object()
            .map(|p| {
                p.keys()
                    .map(|k| (k.clone(), required.contains(&k.as_str())))
                    .collect()
            })
            .unwrap_or_default();
        served.push((path.clone(), params));
    }
    assert!(served.len() > 80, "only {} endpoints served", served.len());
    let rows: Vec<(String, Vec<(String, bool)>)> = text
        .lines()
        .filter(|line| line.starts_with("| `/"))
        .filter_map(|line| {
            let cells: Vec<&str> = line.split(" | ").collect();
            let path = cells.first()?.trim_start_matches("| ").trim_matches('`');
            (cells.len() == 4).then(|| (path.to_owned(), documented_params(cells[2])))
        })
        .collect();
    for (path, params) in &served {
        let row = rows.iter().find(|(p, _)| p == path);
        let Some((_, documented)) = row else {
            panic!("docs/xlz-api.md lists no row for {path}");
        };
        assert_eq!(documented, params, "{path}: parameters (name, required)");
    }
    for (path, _) in &rows {
        assert!(
            served.iter().any(|(p, _)| p == path),
            "docs/xlz-api.md lists {path}, which lizi does not serve"
        );
    }
    lizi.terminate();
    let _ = std::fs::remove_dir_all(dir);
}
