//! The OpenAPI 3 document lizi serves at `/openapi.json`, generated from the endpoint
//! table and the control actions' own docs (the backend's and the extension's), so it
//! cannot disagree with what is served.

use lizi_core::{
    ControlDoc, EndpointSpec, Gate, Methods, ParamKind, ParamSpec, Template, ENDPOINTS,
};
use serde_json::{json, Map, Value};

/// The whole document; `control` are the control actions served, each list as its owner
/// documents them.
pub fn document(key_access: bool, control: &[&[ControlDoc]]) -> Value {
    let mut paths = Map::new();
    for spec in ENDPOINTS {
        if spec.gate == Gate::KeyAccess && !key_access {
            continue;
        }
        paths.insert(spec.path.to_owned(), endpoint(spec));
    }
    for doc in control.iter().copied().flatten() {
        let operation = json!({
            "tags": ["control (simulated network)"],
            "summary": doc.summary,
            "requestBody": {
                "required": !doc.read_only,
                "content": {"application/json": {"schema": {"type": "object"}, "example": serde_json::from_str::<Value>(doc.example).unwrap_or(Value::Null)}}
            },
            "responses": {
                "200": {"description": "done", "content": {"application/json": {"schema": {"type": "object"}}}},
                "400": {"description": "the body is not what the action takes"},
                "404": {"description": "unknown user, group, message or action"},
                "409": {"description": "the network's rules refuse it; `error` says why"}
            }
        });
        let mut item = Map::new();
        item.insert("post".into(), operation.clone());
        if doc.read_only {
            item.insert("get".into(), operation);
        }
        paths.insert(format!("/sim/{}", doc.action), Value::Object(item));
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "lizi: the XLZ (小栗子) HTTP API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Every endpoint takes `key=value&…` parameters in the body (any Content-Type) or the query string; paths and keys are case-insensitive. Answers are `text/html; charset=UTF-8` JSON in the original plugin's templates. A missing or malformed parameter gives HTTP 400 with a JSON body naming it."
        },
        "servers": [{"url": "http://127.0.0.1:10429"}],
        "paths": paths,
    })
}

fn endpoint(spec: &EndpointSpec) -> Value {
    let mut properties: Map<String, Value> = spec
        .params
        .iter()
        .map(|p| (p.name.to_owned(), schema(p)))
        .collect();
    for param in spec.params {
        for alias in param.aliases {
            let mut alias_schema = schema(param);
            alias_schema["description"] = json!(format!(
                "another name of `{}`, read when that is absent",
                param.name
            ));
            properties.insert((*alias).to_owned(), alias_schema);
        }
    }
    let required: Vec<&str> = spec
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| p.name)
        .collect();
    let mut body_schema = json!({"type": "object", "properties": properties});
    if !required.is_empty() {
        body_schema["required"] = json!(required);
    }
    let tag = if matches!(
        spec.template,
        Template::SessionAlloc
            | Template::SessionStatus
            | Template::EventsFramed
            | Template::EventsJson
    ) {
        "sessions"
    } else {
        "XLZ API"
    };
    let operation = json!({
        "tags": [tag],
        "summary": spec.summary.trim(),
        "requestBody": {
            "required": !required.is_empty(),
            "content": {"application/x-www-form-urlencoded": {"schema": body_schema}}
        },
        "responses": {
            "200": {"description": template(spec.template), "content": {"text/html": {"schema": {"type": "string"}}}},
            "400": {"description": "a missing or malformed parameter: {\"ret\":\"error\",\"error\":…,\"param\":…,\"problem\":…}"}
        }
    });
    let mut item = Map::new();
    item.insert("post".into(), operation.clone());
    if spec.methods == Methods::GetOrPost {
        item.insert("get".into(), operation);
    }
    Value::Object(item)
}

fn schema(param: &ParamSpec) -> Value {
    let mut schema = match param.kind {
        ParamKind::Qq => json!({"type": "integer", "format": "uint64", "minimum": 1}),
        ParamKind::Int => json!({"type": "integer", "format": "int64"}),
        ParamKind::Count => json!({"type": "integer", "format": "uint32", "minimum": 0}),
        ParamKind::Real => json!({"type": "number"}),
        ParamKind::Bool => json!({"type": "string", "enum": ["true", "false", "1", "0"]}),
        ParamKind::Text => json!({"type": "string", "minLength": 1}),
        ParamKind::AnyText => json!({"type": "string"}),
        ParamKind::Media => {
            json!({"type": "string", "format": "byte", "description": "base64 data with fromtype=0 (default); with fromtype=1 give `path`, with fromtype=2 give `url`"})
        }
        ParamKind::Session => {
            json!({"type": "integer", "description": "a session id; an unknown one is answered {\"status\":\"session not found\"}"})
        }
    };
    if !param.allowed.is_empty() {
        schema["enum"] = json!(param.allowed);
    }
    schema
}

fn template(template: Template) -> &'static str {
    match template {
        Template::Retcode1 => {
            r#"{"ret":"{\"retcode\":0,\"retmsg\":\"\",\"time\":\"…\"}","random":N,"req":N}; retcode ≠ 0 and retmsg say why it failed"#
        }
        Template::Retcode0 => {
            r#"{"ret":"{\"retcode\":0,\"retmsg\":\"\",\"time\":\"…\"}"}; retcode ≠ 0 and retmsg say why it failed"#
        }
        Template::Bool => r#"{"ret":"true"}, or {"ret":"false","retcode":N,"retmsg":"why"}"#,
        Template::Text => r#"{"ret":"<text>"}, or {"ret":"","retcode":N,"retmsg":"why"}"#,
        Template::Ok => r#"{"ret":"OK"}, or {"ret":"<retcode text>"} on failure"#,
        Template::Receipt2 => r#"{"ret":"<retcode text>","Req":N,"Random":N,"Time":N}"#,
        Template::List => r#"{"ret":"<count>","List":[…]}"#,
        Template::Info => r#"{"ret":"true","Info":{…}}, or {"ret":"false","Info":{},…}"#,
        Template::Forwarded => r#"{"List":[<GroupMsg>,…]}"#,
        Template::Logon => r#"{"ret":"{\"QQlist\":{\"<qq>\":{\"昵称\":…,\"登录状态\":…,…}}}"}"#,
        Template::SessionAlloc => r#"{"session_id":N}"#,
        Template::SessionStatus => r#"{"status":"OK"} or {"status":"session not found"}"#,
        Template::EventsFramed => {
            "each event preceded by one LF, no trailing LF; empty when there is none"
        }
        Template::EventsJson => {
            r#"{"status":"OK","events":[…]} (with "lost" and "lost_reason" when the session lost events)"#
        }
    }
}
