//! The README's examples, run as a person would: every `curl` line of its shell blocks
//! against the real binary, each answer checked against the one the README shows beneath
//! it, and the failure shapes it documents checked against real answers.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::child::Lizi;
use common::temp_dir;

/// The address the README's examples use.
const README_BASE: &str = "http://127.0.0.1:10429";

fn readme() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    std::fs::read_to_string(path).expect("read README.md")
}

/// One command of a shell block, and the answer the README shows for it (a `# {…}` or
/// `# […]` comment right below it), if any.
#[derive(Debug)]
struct Example {
    command: String,
    shown: Option<String>,
}

/// The commands of every ```sh block that calls lizi with curl, in order.
fn curl_examples(text: &str) -> Vec<Example> {
    let mut examples: Vec<Example> = Vec::new();
    let mut in_block = false;
    let mut pending = String::new();
    for line in text.lines() {
        if line.starts_with("```") {
            in_block = line == "```sh";
            continue;
        }
        if !in_block {
            continue;
        }
        let trimmed = line.trim();
        if let Some(answer) = trimmed.strip_prefix("# ") {
            if answer.starts_with('{') || answer.starts_with('[') {
                if let Some(last) = examples.last_mut() {
                    if last.shown.is_none() {
                        last.shown = Some(answer.to_owned());
                    }
                }
            }
            continue;
        }
        if let Some(head) = trimmed.strip_suffix('\\') {
            pending.push_str(head);
            continue;
        }
        pending.push_str(trimmed);
        let command = std::mem::take(&mut pending);
        if command.starts_with("curl ") && command.contains(README_BASE) {
            examples.push(Example {
                command,
                shown: None,
            });
        }
    }
    examples
}

/// Whether `actual` has the shape `shown`: `...` and `…` stand for any text, and a number
/// shown stands for any number (ids, times and randoms differ from run to run).
fn matches(shown: &str, actual: &str) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Token {
        Char(char),
        Any,
        Number,
    }
    let mut tokens = Vec::new();
    let mut rest = shown;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("...") {
            tokens.push(Token::Any);
            rest = after;
        } else if let Some(after) = rest.strip_prefix('…') {
            tokens.push(Token::Any);
            rest = after;
        } else if c.is_ascii_digit() {
            tokens.push(Token::Number);
            rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        } else {
            tokens.push(Token::Char(c));
            rest = &rest[c.len_utf8()..];
        }
    }
    let text: Vec<char> = actual.chars().collect();
    // reachable[j]: the tokens so far can match text[..j].
    let mut reachable = vec![false; text.len() + 1];
    reachable[0] = true;
    for token in tokens {
        let mut next = vec![false; text.len() + 1];
        for j in 0..=text.len() {
            if !reachable[j] {
                continue;
            }
            match token {
                Token::Any => next[j..].iter_mut().for_each(|r| *r = true),
                Token::Char(c) => {
                    if text.get(j) == Some(&c) {
                        next[j + 1] = true;
                    }
                }
                Token::Number => {
                    let digits = text[j..].iter().take_while(|c| c.is_ascii_digit()).count();
                    if digits > 0 {
                        next[j + digits] = true;
                    }
                }
            }
        }
        reachable = next;
    }
    reachable[text.len()]
}

/// Runs one README command with `sh` in `dir`, against `base`; answers its output. Unless
/// the README shows the answer (a refusal, say), it must succeed: curl fails on any HTTP
/// error status.
fn run(command: &str, base: &str, dir: &Path, shown: bool) -> String {
    let script = format!(
        "curl() {{ command curl --fail-with-body \"$@\"; }}\n{}",
        command.replace(README_BASE, base)
    );
    let output = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(dir)
        .output()
        .expect("run sh (and curl)");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        shown || output.status.success(),
        "README command failed ({}): {command}\nstdout: {stdout}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn start_lizi(tag: &str) -> (Lizi, String, PathBuf) {
    let dir = temp_dir(tag);
    let data = dir.join("data");
    let mut lizi = Lizi::spawn(
        &dir,
        &[
            "--listen",
            "127.0.0.1:0",
            "--data",
            data.to_str().expect("UTF-8 path"),
        ],
        &[],
    );
    let port = lizi.port();
    (lizi, format!("http://127.0.0.1:{port}"), dir)
}

#[test]
fn shown_answers_are_matched_by_their_shape() {
    assert!(matches(r#"{"session_id":1}"#, r#"{"session_id":17}"#));
    assert!(matches(r#"{"a":[1,...]}"#, r#"{"a":[2,3,4]}"#));
    assert!(matches(r#"{"a":"x…"}"#, r#"{"a":"xyz"}"#));
    assert!(!matches(r#"{"session_id":1}"#, r#"{"session_id":"1"}"#));
    assert!(!matches(r#"{"status":"OK"}"#, r#"{"status":"failed"}"#));
    assert!(!matches(r#"{"a":1}"#, r#"{"a":1,"b":2}"#));
}

/// Every curl example of the README runs, in order, on one fresh lizi, and answers what
/// the README shows.
#[test]
fn every_readme_example_runs_and_answers_as_shown() {
    let examples = curl_examples(&readme());
    assert!(
        examples.len() >= 15,
        "expected the tour and the control API examples, found {}",
        examples.len()
    );
    let (mut lizi, base, dir) = start_lizi("readme");
    for example in &examples {
        let answer = run(&example.command, &base, &dir, example.shown.is_some());
        if let Some(shown) = &example.shown {
            assert!(
                matches(shown, answer.trim()),
                "README shows\n  {shown}\nfor\n  {}\nbut lizi answered\n  {answer}",
                example.command
            );
        }
    }
    lizi.terminate();
    let _ = std::fs::remove_dir_all(dir);
}

/// The failure answers the README's table shows are the ones lizi gives, byte for byte
/// (but for the retcode text's time).
#[test]
fn documented_failure_shapes_are_real() {
    let text = readme();
    let (mut lizi, base, dir) = start_lizi("readme-failures");
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
    ];
    for (path, body, documented) in cases {
        let in_readme = documented.replace('"', "\\\"");
        assert!(
            text.contains(documented) || text.contains(&in_readme),
            "the README does not show {documented}"
        );
        let answer = run(
            &format!("curl -s -X POST {README_BASE}{path} -d '{body}'"),
            &base,
            &dir,
            false,
        );
        assert!(
            matches(documented, &answer),
            "{path}: the README shows {documented}, lizi answered {answer}"
        );
    }
    lizi.terminate();
    let _ = std::fs::remove_dir_all(dir);
}
