//! The bad-input matrix (docs/xlz-api.md#where-lizi-answers-differently-on-purpose): for every endpoint, a missing required parameter
//! or a malformed value gives HTTP 400 naming the parameter, and changes nothing.

mod common;

use common::Server;
use lizi_core::{EndpointSpec, ParamKind, ENDPOINTS};
use serde_json::Value;

/// Values that must be refused for a parameter of this kind.
fn malformed(kind: ParamKind, required: bool) -> Vec<&'static str> {
    let mut values = match kind {
        ParamKind::Qq => vec!["abc", "-5", "0", "1.5", "99999999999999999999", "12a"],
        ParamKind::Int => vec!["x", "1.5", "--1", "9999999999999999999999"],
        ParamKind::Count => vec!["-1", "x", "4294967296"],
        ParamKind::Real => vec!["north", "inf", "NaN"],
        ParamKind::Bool => vec!["maybe", "2", "yes"],
        ParamKind::Text | ParamKind::AnyText | ParamKind::Session => vec![],
        ParamKind::Media => vec!["!!!notbase64!!!"],
    };
    if required && kind == ParamKind::Text {
        values.push("");
    }
    values
}

/// `body` with parameter `name` replaced by `value` (or removed when `None`).
fn with_param(body: &str, name: &str, value: Option<&str>) -> String {
    let mut pairs: Vec<String> = body
        .split('&')
        .filter(|p| !p.is_empty() && p.split('=').next() != Some(name))
        .map(str::to_owned)
        .collect();
    if let Some(value) = value {
        pairs.push(format!("{name}={value}"));
    }
    pairs.join("&")
}

async fn expect_400(server: &Server, spec: &EndpointSpec, body: &str, param: &str) {
    let (status, text) = server.post(spec.path, body).await;
    assert_eq!(status, 400, "{} {body}: {text}", spec.path);
    let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(value["param"], param, "{} {body}: {text}", spec.path);
    assert!(
        value["error"].as_str().is_some_and(|e| e.contains(param)),
        "{text}"
    );
    assert_ne!(value["ret"], "true");
    assert_ne!(value["ret"], "OK");
}

#[tokio::test]
async fn every_bad_parameter_is_refused_and_changes_nothing() {
    let server = Server::start_with(|s| s.api.key_access = true).await;
    let session = server.session().await;
    let before = server.world().await;
    let mut checked = 0;
    for spec in ENDPOINTS {
        let body = common::valid_body(spec);
        for param in spec.params {
            if param.kind == ParamKind::Session {
                continue;
            }
            if param.required {
                expect_400(
                    &server,
                    spec,
                    &with_param(&body, param.name, None),
                    param.name,
                )
                .await;
                checked += 1;
            }
            for value in malformed(param.kind, param.required) {
                let bad = with_param(&body, param.name, Some(&common::enc(value)));
                expect_400(&server, spec, &bad, param.name).await;
                checked += 1;
            }
            if let Some(max) = param.allowed.iter().max() {
                let bad = with_param(&body, param.name, Some(&(max + 1000).to_string()));
                expect_400(&server, spec, &bad, param.name).await;
                checked += 1;
            }
            if param.kind == ParamKind::Media {
                let bad = format!("{}&fromtype=9", with_param(&body, "fromtype", None));
                expect_400(&server, spec, &bad, "fromtype").await;
                let path_missing = format!("{}&fromtype=1", with_param(&body, param.name, None));
                expect_400(&server, spec, &path_missing, "path").await;
                let url_missing = format!("{}&fromtype=2", with_param(&body, param.name, None));
                expect_400(&server, spec, &url_missing, "url").await;
                checked += 3;
            }
            if matches!(param.kind, ParamKind::Text | ParamKind::AnyText) {
                let bad = with_param(&body, param.name, Some("%FF%FE"));
                expect_400(&server, spec, &bad, param.name).await;
                checked += 1;
            }
        }
    }
    assert!(checked > 400, "only {checked} cases");
    assert_eq!(
        server.world().await,
        before,
        "a refused request changed the world"
    );
    assert!(
        server.events(session).await.is_empty(),
        "a refused request made an event"
    );
}

#[tokio::test]
async fn checks_beyond_single_values() {
    let server = Server::start().await;
    let cases = [
        ("/getnickname", "toqq=20001&fromcache=false", "fromqq"),
        ("/getnickname", "toqq=20001", "fromqq"),
        ("/updatedata", "logonqq=10001&birth=2020-5-5", "birth"),
        ("/updatedata", "logonqq=10001&birth=2020/13/5", "birth"),
        (
            "/updatedata",
            "logonqq=10001&location=49|13110|56",
            "location",
        ),
        ("/updatedata", "logonqq=10001&home=a|b|c|d|e", "home"),
        (
            "/setonlinestate",
            "fromqq=10001&state=11&sun=1000&power=101",
            "power",
        ),
        (
            "/sendfreepackage",
            "fromqq=10001&group=30001&toqq=20001&pkgid=1",
            "pkgid",
        ),
    ];
    for (path, body, param) in cases {
        let spec = EndpointSpec::find(path).unwrap();
        expect_400(&server, spec, body, param).await;
    }
}

#[tokio::test]
async fn garbage_never_breaks_the_server() {
    let server = Server::start().await;
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let alphabet = b"=&%+[],=0123456789abcdefFROMQQtoqq\xff\x00 \n\r\t\\\"'";
    for spec in ENDPOINTS {
        for _ in 0..8 {
            let len = (next() % 96) as usize;
            let body: Vec<u8> = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let response = server
                .client
                .post(server.url(spec.path))
                .body(body)
                .send()
                .await
                .expect("the server answers");
            assert!(
                [200, 400, 404].contains(&response.status().as_u16()),
                "{}: {}",
                spec.path,
                response.status()
            );
        }
    }
    assert_eq!(
        server.call("/getfriendlist", "logonqq=10001").await["ret"],
        "3"
    );
}
