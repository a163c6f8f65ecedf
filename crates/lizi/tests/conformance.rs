//! Walks the endpoint table: every endpoint answers a valid request with its template,
//! and endpoints the simulated network does not implement yet say so instead of faking
//! success.

mod common;

use common::valid_body;
use common::Server;
use lizi_core::{Gate, Template, ENDPOINTS};
use serde_json::Value;

/// Endpoints whose generic request (`valid_body`: account 10001, user 20001, group 30001
/// of the default world) the network's rules refuse: no such message, file, folder or
/// request; 20001 is already a friend and the group's owner, whom the admin 10001 may not
/// kick, mute or re-card; only the owner may dissolve or appoint; and so on. They must
/// answer with a reason; every other endpoint must succeed.
const REFUSED: &[&str] = &[
    "/sendinputstatus",
    "/callfriend",
    "/deletegroupmsg",
    "/deleteprivatemsg",
    "/addfriend",
    "/addgroup",
    "/setfriendaddrequest",
    "/setgroupaddrequest",
    "/setgroupcard",
    "/setgroupmgr",
    "/kickgroupmember",
    "/mutegroupmember",
    "/dispgroup",
    "/renamegroupfolder",
    "/removegroupfolder",
    "/removegroupfile",
    "/savefiletoweiyun",
    "/movegroupfile",
    "/getgroupfileurl",
    "/forwardgroupfiletogroup",
    "/forwardgroupfiletofriend",
    "/forwardfriendfiletofriend",
    "/getphotourl",
    "/getforwardedmsg",
];

fn retcode(text: &Value) -> Value {
    let text = text
        .as_str()
        .unwrap_or_else(|| panic!("ret is not a string: {text}"));
    let inner: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("ret `{text}`: {e}"));
    assert!(inner["retcode"].is_i64(), "{inner}");
    assert!(inner["retmsg"].is_string(), "{inner}");
    assert!(
        inner["time"]
            .as_str()
            .is_some_and(|t| t.parse::<i64>().is_ok()),
        "{inner}"
    );
    inner
}

/// Checks the body against the template; returns whether it reports success.
fn check_template(path: &str, template: Template, body: &str) -> bool {
    if template == Template::EventsFramed {
        assert!(
            body.is_empty() || body.starts_with('\n'),
            "{path}: {body:?}"
        );
        return true;
    }
    let value: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("{path}: not an object: {body}"));
    match template {
        Template::Retcode1 => {
            assert!(
                value["random"].is_i64() && value["req"].is_i64(),
                "{path}: {body}"
            );
            retcode(&value["ret"])["retcode"] == 0
        }
        Template::Retcode0 => retcode(&value["ret"])["retcode"] == 0,
        Template::Receipt2 => {
            for key in ["Req", "Random", "Time"] {
                assert!(value[key].is_i64(), "{path}: {key}: {body}");
            }
            retcode(&value["ret"])["retcode"] == 0
        }
        Template::Bool => {
            let ret = value["ret"].as_str().unwrap_or_default();
            assert!(ret == "true" || ret == "false", "{path}: {body}");
            ret == "true"
        }
        Template::Text => {
            assert!(value["ret"].is_string(), "{path}: {body}");
            !object.contains_key("retcode")
        }
        Template::Ok => {
            if value["ret"] == "OK" {
                true
            } else {
                assert_ne!(retcode(&value["ret"])["retcode"], 0, "{path}: {body}");
                false
            }
        }
        Template::List => {
            let list = value["List"]
                .as_array()
                .unwrap_or_else(|| panic!("{path}: {body}"));
            assert_eq!(value["ret"], list.len().to_string(), "{path}: {body}");
            !object.contains_key("retcode")
        }
        Template::Info => {
            assert!(value["Info"].is_object(), "{path}: {body}");
            value["ret"] == "true"
        }
        Template::Forwarded => {
            assert!(
                value["List"].is_array() && !object.contains_key("ret"),
                "{path}: {body}"
            );
            !object.contains_key("retcode")
        }
        Template::Logon => {
            let inner: Value = serde_json::from_str(value["ret"].as_str().unwrap_or_default())
                .unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
            assert!(inner["QQlist"].is_object(), "{path}: {body}");
            true
        }
        Template::SessionAlloc => {
            assert!(value["session_id"].is_u64(), "{path}: {body}");
            true
        }
        Template::SessionStatus => value["status"] == "OK",
        Template::EventsJson => {
            assert!(value["events"].is_array(), "{path}: {body}");
            value["status"] == "OK"
        }
        Template::EventsFramed => unreachable!(),
    }
}

#[tokio::test]
async fn every_endpoint_answers_with_its_template() {
    assert!(ENDPOINTS.len() >= 85, "{} endpoints", ENDPOINTS.len());
    for spec in ENDPOINTS {
        let server = Server::start_with(|s| s.api.key_access = true).await;
        server.session().await;
        let body = valid_body(spec);
        let (status, text) = server.post(spec.path, &body).await;
        assert_eq!(status, 200, "{} {body}: {text}", spec.path);
        let success = check_template(spec.path, spec.template, &text);
        assert!(!text.contains("not implemented"), "{}: {text}", spec.path);
        if REFUSED.contains(&spec.path) {
            assert!(!success, "{} {body} should be refused: {text}", spec.path);
            assert!(
                text.contains("retmsg"),
                "{} gives no reason: {text}",
                spec.path
            );
        } else {
            assert!(success, "{} {body} should work: {text}", spec.path);
        }
        for alias in spec.aliases {
            let (status, again) = server.post(alias, &body).await;
            assert_eq!(status, 200, "{alias}");
            check_template(alias, spec.template, &again);
        }
        if spec.template != Template::EventsFramed {
            assert!(
                !text.contains(['\n', '\r']),
                "{}: raw line break in {text:?}",
                spec.path
            );
        }
    }
}

#[tokio::test]
async fn xlz_answers_are_text_html() {
    let server = Server::start().await;
    let response = server
        .client
        .post(server.url("/getfriendlist"))
        .body("logonqq=10001")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=UTF-8"
    );
}

#[tokio::test]
async fn key_endpoints_exist_only_with_key_access() {
    let closed = Server::start().await;
    let open = Server::start_with(|s| s.api.key_access = true).await;
    let gated: Vec<_> = ENDPOINTS
        .iter()
        .filter(|s| s.gate == Gate::KeyAccess)
        .collect();
    assert_eq!(gated.len(), 3);
    for spec in gated {
        let body = valid_body(spec);
        assert_eq!(closed.post(spec.path, &body).await.0, 404, "{}", spec.path);
        assert_eq!(open.post(spec.path, &body).await.0, 200, "{}", spec.path);
    }
}

#[tokio::test]
async fn every_path_is_distinct_and_lower_case() {
    let mut seen = std::collections::HashSet::new();
    for spec in ENDPOINTS {
        for path in std::iter::once(&spec.path).chain(spec.aliases) {
            assert_eq!(path.to_ascii_lowercase(), *path);
            assert!(seen.insert(*path), "{path} twice");
        }
        let mut names = std::collections::HashSet::new();
        for p in spec.params {
            assert!(names.insert(p.name), "{}: {} twice", spec.path, p.name);
        }
    }
}

#[tokio::test]
async fn the_openapi_document_covers_the_table_and_the_control_api() {
    let server = Server::start().await;
    let response = server
        .client
        .get(server.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let document: Value = response.json().await.unwrap();
    assert_eq!(document["openapi"], "3.0.3");
    let paths = document["paths"].as_object().unwrap();
    for spec in ENDPOINTS.iter().filter(|s| s.gate == Gate::Always) {
        let operation = &paths[spec.path]["post"];
        assert!(operation["summary"].is_string(), "{}", spec.path);
        for param in spec.params.iter().filter(|p| p.required) {
            let required = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]
                ["schema"]["required"]
                .as_array()
                .unwrap();
            assert!(
                required.contains(&Value::from(param.name)),
                "{} {}",
                spec.path,
                param.name
            );
        }
    }
    assert!(paths["/getlogonqq"].get("get").is_some());
    assert!(
        !paths.contains_key("/getskey"),
        "key endpoints only with key access"
    );
    // Every documented control example is accepted as a body (the action may still be
    // refused by the world's state, but never as malformed).
    for doc in lizi_sim::control::CONTROL_DOCS {
        assert!(
            paths.contains_key(&format!("/sim/{}", doc.action)),
            "{}",
            doc.action
        );
        let body: Value = serde_json::from_str(doc.example).unwrap();
        let (status, answer) = server.sim(doc.action, body).await;
        assert!(
            [200, 404, 409].contains(&status),
            "{}: {status} {answer}",
            doc.action
        );
    }
}

/// The control API's refusals, as a client reads them: an unknown action, a body that is
/// not the action's, a change asked with GET; read-only views answer GET.
#[tokio::test]
async fn control_refusals_keep_their_status_and_text() {
    let server = Server::start().await;
    let get = |path: &str| {
        let request = server.client.get(server.url(path));
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    let (status, answer) = server.sim("nope", serde_json::json!({})).await;
    assert_eq!(status, 404, "{answer}");
    let unknown = serde_json::json!({"ret": "error", "error": "unknown control action `nope`"});
    assert_eq!(answer, unknown);
    assert_eq!(get("/sim/NOPE").await, (404, unknown));

    let (status, answer) = server
        .sim("kick", serde_json::json!({"operator": 20001}))
        .await;
    assert_eq!(status, 400, "{answer}");
    let error = answer["error"].as_str().unwrap();
    assert!(
        error.starts_with("invalid body for `kick`: missing field `group`"),
        "{error}"
    );
    let (status, answer) = server
        .sim(
            "rename_group",
            serde_json::json!({"operator": 20001, "group": 30001, "name": " "}),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(
        answer["error"],
        "invalid body for `rename_group`: `name` must not be empty"
    );

    let (status, answer) = get("/sim/kick?operator=20001&group=30001&member=20003").await;
    assert_eq!(status, 405, "{answer}");
    assert_eq!(
        answer,
        serde_json::json!({"ret": "error", "error": "/sim/kick takes POST"})
    );
    let (status, answer) = get("/sim/group?gin=30001").await;
    assert_eq!(status, 200, "{answer}");
    let members = answer["members"].as_array().unwrap();
    assert!(
        members.iter().any(|member| member["uin"] == 20003),
        "the kick asked with GET changed nothing: {answer}"
    );

    let (status, answer) = server
        .sim(
            "kick",
            serde_json::json!({"operator": 20001, "group": 39999, "member": 20003}),
        )
        .await;
    assert_eq!(status, 404, "{answer}");
    assert_eq!(answer["kind"], "unknown_group", "{answer}");
}

/// A body with every run of digits replaced by `N`, to compare shapes byte for byte.
fn shape(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    for c in body.chars() {
        if !c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('N') {
            out.push('N');
        }
    }
    out
}

#[tokio::test]
async fn retcode_bodies_keep_the_wire_key_order() {
    let server = Server::start().await;
    let post = |path: &'static str| {
        let spec = ENDPOINTS.iter().find(|s| s.path == path).unwrap();
        let body = valid_body(spec);
        let server = &server;
        async move { server.post(path, &body).await.1 }
    };
    // T1 and T0 succeed, in docs/xlz-api.md#the-templates's shapes, keys in the order of its example.
    let retcode = r#"{"ret":"{\"retcode\":N,\"retmsg\":\"\",\"time\":\"N\"}""#;
    assert_eq!(
        shape(&post("/sendprivatemsg").await),
        format!(r#"{retcode},"random":N,"req":N}}"#)
    );
    assert_eq!(shape(&post("/sendgroupmsg").await), format!("{retcode}}}"));
    // T2, refused (no such file): the reason in the retcode text, zeros after it.
    let refused = post("/forwardfriendfiletofriend").await;
    let refused_shape = shape(&refused);
    assert!(
        refused_shape.starts_with(r#"{"ret":"{\"retcode\":N,\"retmsg\":\""#)
            && refused_shape.ends_with(r#"\",\"time\":\"N\"}","Req":N,"Random":N,"Time":N}"#),
        "{refused}"
    );
    assert!(
        refused.ends_with(r#""Req":0,"Random":0,"Time":0}"#),
        "{refused}"
    );
}
