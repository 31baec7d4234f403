//! What the generated document cannot say by itself: each move as its own
//! operation with its own body, the request bodies with the domain's limits,
//! and the links that lead from one step of the chain to the next (a
//! submission to its topic and moves, a topic to its tasks, a meeting to
//! its moves), so a client — or a test walking the API — can follow it.
use domain::patterns::{PERIOD_PATTERN, PHONE_PATTERN, minute_pattern, text_pattern};
use domain::{Channel, MeetingTitle, Reason, TopicBody, TopicState, TopicTitle};
use serde_json::{Map, Value, json};

use super::bodies::{MEETING_MOVES, Move, RATE, TASK_MOVES, TOPIC_MOVES};

/// Applies every refinement to the generated document.
pub fn refine(doc: &mut Value) {
    expand(
        doc,
        "/api/topics/{no}/actions/{action}",
        "topic",
        TOPIC_MOVES,
    );
    expand(doc, "/api/tasks/{id}/actions/{action}", "task", TASK_MOVES);
    expand(
        doc,
        "/api/meetings/{id}/actions/{action}",
        "meeting",
        MEETING_MOVES,
    );
    state_bodies(doc);
    state_list_filters(doc);
    period_parameters(doc);
    link(doc);
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        schemas.remove("ActionInput");
    }
}

/// Every `period` parameter with the pattern the domain reads it by; the
/// search's may also be empty, as its form sends it.
fn period_parameters(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    let inner = PERIOD_PATTERN.trim_start_matches('^').trim_end_matches('$');
    for (path, item) in paths.iter_mut() {
        let pattern = if path == "/api/search" {
            format!("^(?:{inner})?$")
        } else {
            PERIOD_PATTERN.to_owned()
        };
        let operations = item
            .as_object_mut()
            .into_iter()
            .flat_map(|o| o.values_mut());
        for op in operations {
            let params = op.get_mut("parameters").and_then(Value::as_array_mut);
            for p in params.into_iter().flatten() {
                if p["name"] == "period" {
                    p["schema"]["pattern"] = json!(pattern);
                }
            }
        }
    }
}

/// The operation at `path` and `method`, to change in place.
fn operation<'a>(doc: &'a mut Value, path: &str, method: &str) -> &'a mut Value {
    &mut doc["paths"][path][method]
}

fn body(schema: Value) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema}}})
}

/// Replaces the template `path` (ending in `{action}`) with one operation
/// per move, each with an `operationId` of `{prefix}_{name}` and, where
/// the route reads a body, its own.
fn expand(doc: &mut Value, path: &str, prefix: &str, moves: &[Move]) {
    let Some(template) = take_template(doc, path) else {
        return;
    };
    for m in moves {
        let mut op = template.clone();
        op["operationId"] = json!(format!("{prefix}_{}", m.name.replace('-', "_")));
        op["summary"] = json!(m.summary);
        op["description"] = json!(format!("{}（{}）", m.summary, m.name));
        drop_action_parameter(&mut op);
        if template.get("requestBody").is_some() {
            op["requestBody"] = body(m.schema());
        }
        let concrete = path.replace("{action}", m.name);
        doc["paths"][concrete] = json!({"post": op});
    }
}

/// The generated operation for a route that takes every move, removed
/// from the document to be replaced by one operation per move.
fn take_template(doc: &mut Value, path: &str) -> Option<Value> {
    doc["paths"]
        .as_object_mut()
        .and_then(|p| p.remove(path))
        .map(|item| item["post"].clone())
}

fn drop_action_parameter(op: &mut Value) {
    if let Some(params) = op["parameters"].as_array_mut() {
        params.retain(|p| p["name"] != "action");
    }
}

fn text(limits: domain::Limits, about: &str, optional: bool) -> Value {
    super::bodies::Check::Text(limits).schema(about, optional)
}

/// The bodies of submission, sign-in, meeting planning and rating, with
/// what the domain checks in each field.
fn state_bodies(doc: &mut Value) {
    let schemas = &mut doc["components"]["schemas"];
    let channel_rule = json!([
        {"properties": {"channel": {"enum": ["resident", "", null]}}},
        {"properties": {"channel": {"enum": ["committee"]}, "anonymous": {"enum": [false, null]},
            "reason": text(Reason::LIMITS, "委员荐题的理由", false)}, "required": ["channel", "reason"]},
        {"properties": {"channel": {"enum": ["leadership"]}, "anonymous": {"enum": [false, null]}},
            "required": ["channel"]},
    ]);
    schemas["SubmitInput"] = json!({
        "type": "object",
        "description": "群众出题（默认）、委员荐题或党政点题。委员荐题须写理由；只有群众出题可以匿名。",
        "properties": {
            "title": text(TopicTitle::LIMITS, "标题", false),
            "body": text(TopicBody::LIMITS, "具体情况", false),
            "category": text((0, 20, false), "类别（不在本议事室类别中的归为其他）", true),
            "place": text((0, 100, true), "地点", true),
            "phone": {"type": ["string", "null"], "pattern": format!("^(?:{})?$", PHONE_PATTERN.trim_matches(['^', '$'])),
                "description": "联系手机（可空）"},
            "channel": {"type": ["string", "null"], "enum": Channel::CODES.iter().map(|c| json!(c)).chain([json!(""), Value::Null]).collect::<Vec<_>>(),
                "description": "议题来源：resident（默认）、committee、leadership"},
            "room": {"type": ["string", "null"], "description": "从工作台提交时的议事室（接口以路径为准）"},
            "anonymous": {"type": ["boolean", "string", "null"],
                "enum": [true, false, null, "on", "true", "1", "yes", "", "off", "false", "0", "no"],
                "description": "公开时隐去姓名（议事室允许时）；也收表单勾选项的写法"},
            "lat": {"type": "number", "minimum": -90, "maximum": 90, "description": "纬度（与 lng 同时给出）"},
            "lng": {"type": "number", "minimum": -180, "maximum": 180, "description": "经度（与 lat 同时给出）"},
            "client_key": {"type": ["string", "null"], "pattern": "^(?:[A-Za-z0-9_-]{8,64})?$",
                "description": "草稿编号：同一编号再次提交返回已建的议题"},
            "reason": {"type": ["string", "null"], "description": "委员荐题的理由（只在委员荐题时读取）"},
        },
        "required": ["title", "body"],
        "dependentRequired": {"lat": ["lng"], "lng": ["lat"]},
        "oneOf": channel_rule,
    });
    schemas["MeetingInput"] = json!({
        "type": "object",
        "properties": {
            "title": text(MeetingTitle::LIMITS, "会议名称", false),
            "place": text((0, 100, true), "会议地点（空则为议事室地点）", true),
            "starts_at": {"type": "string", "pattern": minute_pattern(),
                "description": "北京时间，精确到分钟：2026-12-01T09:30"},
        },
        "required": ["title", "starts_at"],
    });
    let phone = json!({"type": "string", "pattern": PHONE_PATTERN, "description": "大陆手机号"});
    schemas["PhoneInput"] = json!({
        "type": "object", "properties": {"phone": phone}, "required": ["phone"],
    });
    schemas["CodeInput"] = json!({
        "type": "object",
        "properties": {"phone": phone, "code": {"type": "string", "pattern": "^[0-9]{6}$", "description": "短信验证码"}},
        "required": ["phone", "code"],
    });
    schemas["LoginInput"] = json!({
        "type": "object",
        "properties": {
            "username": {"type": "string", "minLength": 1, "maxLength": 64},
            "password": {"type": "string", "minLength": 1, "maxLength": 256},
            "code": {"type": ["string", "null"], "pattern": "^(?:[0-9]{6}|[A-Za-z0-9-]{8,20})?$",
                "description": "已开启动态验证码的账号：验证器的6位数字或一个恢复码"},
        },
        "required": ["username", "password"],
    });
    operation(doc, "/api/otp/verify", "post")["requestBody"] =
        body(json!({"$ref": "#/components/schemas/CodeInput"}));
    operation(doc, "/api/topics/{no}/rating", "post")["requestBody"] = body(RATE.schema());
}

/// The list's and the search's filters take the codes the domain knows.
fn state_list_filters(doc: &mut Value) {
    let codes = |all: &[&str]| {
        all.iter()
            .map(|c| json!(c))
            .chain([json!("")])
            .collect::<Vec<_>>()
    };
    let state = codes(&TopicState::CODES);
    let channel = codes(&Channel::CODES);
    let kind = codes(&domain::SearchKind::CODES);
    for path in ["/api/topics", "/api/search"] {
        let Some(params) = operation(doc, path, "get")["parameters"].as_array_mut() else {
            continue;
        };
        for p in params {
            match p["name"].as_str() {
                Some("state") => p["schema"] = json!({"type": ["string", "null"], "enum": state}),
                Some("channel") => {
                    p["schema"] = json!({"type": ["string", "null"], "enum": channel})
                }
                Some("kind") => p["schema"] = json!({"type": ["string", "null"], "enum": kind}),
                Some("category") => {
                    p["schema"] =
                        json!({"type": ["string", "null"], "pattern": text_pattern(0, 20, true)})
                }
                _ => {}
            }
        }
    }
}

/// A link to `operation` filling `parameter` from the response body at `pointer`.
fn to(operation: &str, parameter: &str, pointer: &str) -> Value {
    json!({"operationId": operation, "parameters": {parameter: format!("$response.body#{pointer}")}})
}

fn add_links(doc: &mut Value, path: &str, method: &str, status: &str, links: Map<String, Value>) {
    let response = &mut operation(doc, path, method)["responses"][status];
    if response.is_object() {
        response["links"] = Value::Object(links);
    }
}

/// The chain as links: a topic (as submitted or as moved) leads to its
/// page, its moves, its rating and likes; its page and a desk lead to a
/// task's moves; a planned meeting leads to its page and moves; a
/// leadership meeting to its page; a 督办单 to its answer.
fn link(doc: &mut Value) {
    let mut from_topic = Map::new();
    from_topic.insert("topic".into(), to("topic", "no", "/tracking_no"));
    for m in TOPIC_MOVES {
        from_topic.insert(
            format!("topic_{}", m.name),
            to(&format!("topic_{}", m.name), "no", "/tracking_no"),
        );
    }
    from_topic.insert("rating".into(), to("rate_api", "no", "/tracking_no"));
    from_topic.insert("supports".into(), to("support_api", "no", "/tracking_no"));
    add_links(
        doc,
        "/api/rooms/{code}/topics",
        "post",
        "201",
        from_topic.clone(),
    );
    for m in TOPIC_MOVES {
        let path = format!("/api/topics/{{no}}/actions/{}", m.name);
        add_links(doc, &path, "post", "200", from_topic.clone());
    }
    let to_tasks = |pointer: &str| {
        let mut links = Map::new();
        links.insert("task".into(), to("task", "id", pointer));
        links.insert("orders".into(), to("issue_api", "id", pointer));
        for m in TASK_MOVES {
            let op = format!("task_{}", m.name.replace('-', "_"));
            links.insert(op.clone(), to(&op, "id", pointer));
        }
        links
    };
    let mut from_page = to_tasks("/tasks/0/id");
    from_page.insert("likes".into(), to("like_api", "no", "/tracking_no"));
    add_links(doc, "/api/topics/{no}", "get", "200", from_page);
    // A desk leads to the first task waiting there (to sign, or to verify).
    let mut from_desk = to_tasks("/tasks/0/id");
    for (name, link) in to_tasks("/to_verify/0/id") {
        from_desk.insert(format!("verify_{name}"), link);
    }
    add_links(doc, "/api/desk", "get", "200", from_desk);
    let mut from_meeting = Map::new();
    from_meeting.insert("meeting".into(), to("meeting", "id", "/id"));
    for m in MEETING_MOVES {
        let op = format!("meeting_{}", m.name);
        from_meeting.insert(op.clone(), to(&op, "id", "/id"));
    }
    add_links(
        doc,
        "/api/rooms/{code}/meetings",
        "post",
        "201",
        from_meeting.clone(),
    );
    for m in MEETING_MOVES {
        let path = format!("/api/meetings/{{id}}/actions/{}", m.name);
        add_links(doc, &path, "post", "200", from_meeting.clone());
    }
    let mut review = Map::new();
    review.insert("review".into(), to("session_api", "id", "/id"));
    add_links(doc, "/api/reviews", "post", "201", review);
    let mut answer = Map::new();
    answer.insert("answer".into(), to("answer_api", "id", "/id"));
    add_links(doc, "/api/tasks/{id}/orders", "post", "201", answer);
}
