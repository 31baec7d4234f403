//! What each request body may carry, stated with the domain's own limits so
//! the API document says exactly what the server accepts: one schema per
//! move (a topic's, a task's), and the check that a move's body carries only
//! the fields its schema names.
use domain::patterns::{
    DATE_PATTERN, ID_PATTERN, TRACKING_NO_PATTERN, codes_pattern, ids_pattern,
    participants_pattern, text_pattern,
};
use domain::{
    AdoptedPart, Analysis, Decision, FollowUpOutcome, Instructions, Limits, Note, RatingComment,
    Reason, ResearchMethod, ResearchPlan, ResearchVisit, Satisfaction, TaskTitle,
};
use serde_json::{Map, Value, json};

use crate::error::{AppError, AppResult};
use crate::forms::ActionInput;

/// How one field of a body is checked.
#[derive(Clone, Copy)]
pub enum Check {
    Text(Limits),
    Date,
    Id,
    Ids(usize),
    OneOf(&'static [&'static str]),
    Codes(&'static [&'static str]),
    TrackingNo,
    Participants,
}

impl Check {
    /// The field's schema; an optional one may also be `null` (taken as absent).
    pub fn schema(self, about: &str, optional: bool) -> Value {
        let kind = if optional {
            json!(["string", "null"])
        } else {
            json!("string")
        };
        let (pattern, note) = match self {
            Check::Text((min, max, multi)) => (
                text_pattern(min, max, multi),
                format!(
                    "去掉首尾空白后{min}到{max}字{}，不含隐藏字符",
                    if multi { "，可换行" } else { "，一行" }
                ),
            ),
            Check::Date => (DATE_PATTERN.to_owned(), "日期，如 2026-12-01".to_owned()),
            Check::Id => (ID_PATTERN.to_owned(), "编号（数字）".to_owned()),
            Check::Ids(most) => (ids_pattern(most), format!("编号，以逗号分隔，最多{most}个")),
            Check::Codes(codes) => (codes_pattern(codes), "以逗号分隔".to_owned()),
            Check::TrackingNo => (TRACKING_NO_PATTERN.to_owned(), "10位查询码".to_owned()),
            Check::Participants => (
                participants_pattern(),
                "每行一人：姓名，可加空格或括号写类别（行家里手、党员、村民代表、群众、人大代表、政协委员、部门）"
                    .to_owned(),
            ),
            Check::OneOf(codes) => {
                let mut values: Vec<Value> = codes.iter().map(|c| json!(c)).collect();
                if optional {
                    values.push(Value::Null);
                }
                return json!({"type": kind, "enum": values, "description": about});
            }
        };
        let mut schema =
            json!({"type": kind, "pattern": pattern, "description": format!("{about}：{note}")});
        if matches!(self, Check::Date) {
            schema["format"] = json!("date");
        }
        schema
    }
}

/// A field: its name, its check and what it is for.
pub type Field = (&'static str, Check, &'static str);

const REASON: Field = ("reason", Check::Text(Reason::LIMITS), "理由（对方可见）");
const NOTE: Field = ("note", Check::Text(Note::LIMITS), "内容");
const DEPARTMENT: Field = ("department", Check::Id, "承办部门");
const DUE: Field = ("due", Check::Date, "办理期限");
const DEADLINE: Field = (
    "deadline",
    Check::OneOf(&["urgent", "normal", "complex"]),
    "办理时限类别（代替 due，按工作日从今天算起）",
);
const METHODS: &[&str] = &ResearchMethod::CODES;

/// A move's body: the fields it reads, those it needs, and any rule the
/// fields alone cannot say (as JSON Schema, e.g. `anyOf`).
pub struct Move {
    pub name: &'static str,
    pub summary: &'static str,
    pub fields: &'static [Field],
    pub required: &'static [&'static str],
    pub rule: Option<fn() -> Value>,
}

impl Move {
    const fn new(name: &'static str, summary: &'static str, fields: &'static [Field]) -> Self {
        Move {
            name,
            summary,
            fields,
            required: &[],
            rule: None,
        }
    }

    const fn needs(mut self, required: &'static [&'static str]) -> Self {
        self.required = required;
        self
    }

    const fn rule(mut self, rule: fn() -> Value) -> Self {
        self.rule = Some(rule);
        self
    }

    /// The body's schema: only the named fields, each with its check.
    pub fn schema(&self) -> Value {
        let properties: Map<String, Value> = self
            .fields
            .iter()
            .map(|(name, check, about)| {
                let optional = !self.required.contains(name);
                (name.to_string(), check.schema(about, optional))
            })
            .collect();
        let mut schema = json!({
            "type": "object",
            "properties": properties,
            "required": self.required,
            "additionalProperties": false,
        });
        if let (Some(rule), Value::Object(fields)) = (self.rule, &mut schema)
            && let Value::Object(extra) = rule()
        {
            fields.extend(extra);
        }
        schema
    }

    /// A field the move does not read is refused, so a misspelt one is not
    /// silently ignored.
    pub fn check_fields(&self, body: &Map<String, Value>) -> AppResult<()> {
        match body
            .keys()
            .find(|k| !self.fields.iter().any(|(name, ..)| name == k))
        {
            Some(unknown) => Err(AppError::BadRequest(format!(
                "此操作没有字段 {unknown}",
                unknown = unknown.chars().take(40).collect::<String>()
            ))),
            None => Ok(()),
        }
    }
}

/// A date or a deadline class, given as text.
fn due_or_deadline() -> Value {
    json!({"anyOf": [
        {"required": ["due"], "properties": {"due": {"type": "string"}}},
        {"required": ["deadline"], "properties": {"deadline": {"type": "string"}}},
    ]})
}

/// 部分采纳 names the part adopted; 不予采纳 gives a reason.
fn ruling() -> Value {
    json!({"oneOf": [
        {"properties": {"decision": {"enum": ["adopt"]}}},
        {"properties": {"decision": {"enum": ["partly_adopt"]}, "part": {"type": "string"}}, "required": ["part"]},
        {"properties": {"decision": {"enum": ["not_adopt"]}, "reason": {"type": "string"}}, "required": ["reason"]},
    ]})
}

/// The moves on a topic, as `POST /api/topics/{no}/actions/{name}` takes them.
pub const TOPIC_MOVES: &[Move] = &[
    Move::new("accept", "受理立项", &[]),
    Move::new("reject", "不予立项", &[REASON]).needs(&["reason"]),
    Move::new(
        "merge",
        "合并到另一议题",
        &[("into", Check::TrackingNo, "目标议题")],
    )
    .needs(&["into"]),
    Move::new("refer", "转部门办理", &[DEPARTMENT, DUE, DEADLINE])
        .needs(&["department"])
        .rule(due_or_deadline),
    Move::new(
        "research_plan",
        "调研方案",
        &[
            (
                "questions",
                Check::Text(ResearchPlan::QUESTIONS),
                "调研内容",
            ),
            ("places", Check::Text(ResearchPlan::PLACES), "调研地点"),
            ("period", Check::Text(ResearchPlan::PERIOD), "调研时间"),
            ("lead", Check::Text(ResearchPlan::LEAD), "牵头人"),
            ("methods", Check::Codes(METHODS), "调研方式"),
        ],
    )
    .needs(&["questions", "lead", "methods"]),
    Move::new(
        "research",
        "调研记录（日期不晚于今天）",
        &[
            ("on", Check::Date, "调研日期"),
            ("place", Check::Text(ResearchVisit::PLACE), "调研地点"),
            ("method", Check::OneOf(METHODS), "调研方式"),
            ("note", Check::Text(Note::LIMITS), "调研发现"),
            ("participants", Check::Participants, "参加人员"),
            ("people", Check::Ids(60), "已登记的参加人员"),
        ],
    )
    .needs(&["on", "place", "method", "note"]),
    Move::new(
        "analysis",
        "调研分析",
        &[
            ("feasibility", Check::Text(Analysis::SECTION), "可行性"),
            ("measures", Check::Text(Analysis::SECTION), "实施措施"),
            ("risks", Check::Text(Analysis::SECTION), "潜在问题与风险"),
            ("recommendation", Check::Text(Analysis::SECTION), "建议"),
        ],
    ),
    Move::new(
        "schedule",
        "列入会议议程",
        &[("meeting", Check::Id, "协商议事会")],
    )
    .needs(&["meeting"]),
    Move::new(
        "opinion",
        "协商意见",
        &[("text", Check::Text(Note::LIMITS), "协商意见")],
    )
    .needs(&["text"]),
    Move::new(
        "review",
        "上会研究",
        &[
            ("session", Check::Id, "上会研究会议（POST /api/reviews）"),
            ("opinion", Check::Id, "协商意见"),
            ("decision", Check::OneOf(&Decision::CODES), "审议结果"),
            (
                "part",
                Check::Text(AdoptedPart::LIMITS),
                "部分采纳：采纳部分",
            ),
            (
                "reason",
                Check::Text(Reason::LIMITS),
                "不予采纳：理由（群众可见）",
            ),
            ("instructions", Check::Text(Instructions::LIMITS), "批示"),
        ],
    )
    .needs(&["session", "opinion", "decision"])
    .rule(ruling),
    Move::new(
        "dispatch",
        "交办任务",
        &[
            DEPARTMENT,
            ("title", Check::Text(TaskTitle::LIMITS), "任务名称"),
            DUE,
            DEADLINE,
            ("opinion", Check::Id, "所落实的协商意见"),
            ("co_departments", Check::Ids(10), "协办部门"),
        ],
    )
    .needs(&["department", "title"])
    .rule(due_or_deadline),
    Move::new("complete", "办结", &[]),
    Move::new("resume", "恢复办理", &[]),
    Move::new("uphold", "维持原结果", &[REASON]).needs(&["reason"]),
    RATE,
    Move::new(
        "follow_up",
        "跟踪问效（没有效果将重新办理）",
        &[
            ("outcome", Check::OneOf(&FollowUpOutcome::CODES), "回访结果"),
            NOTE,
        ],
    )
    .needs(&["outcome", "note"]),
];

/// 群众评价, also `POST /api/topics/{no}/rating`.
pub const RATE: Move = Move::new(
    "rate",
    "群众评价",
    &[
        (
            "satisfaction",
            Check::OneOf(&Satisfaction::CODES),
            "满意程度",
        ),
        ("comment", Check::Text(RatingComment::LIMITS), "评价"),
    ],
)
.needs(&["satisfaction"]);

/// The moves on a task, as `POST /api/tasks/{id}/actions/{name}` takes them.
pub const TASK_MOVES: &[Move] = &[
    Move::new("sign", "签收", &[]),
    Move::new("return", "退回（说明理由）", &[REASON]).needs(&["reason"]),
    Move::new("reassign", "改派部门", &[DEPARTMENT]).needs(&["department"]),
    Move::new("progress", "报告进展", &[NOTE]).needs(&["note"]),
    Move::new(
        "extend",
        "申请延期（新期限晚于原期限）",
        &[("until", Check::Date, "延期后的期限"), REASON],
    )
    .needs(&["until", "reason"]),
    Move::new("grant-extension", "同意延期", &[]),
    Move::new("deny-extension", "不同意延期", &[]),
    Move::new("complete", "办结", &[NOTE]).needs(&["note"]),
    Move::new("verify", "验收", &[]),
    Move::new("send-back", "验收不通过，发回重办", &[REASON]).needs(&["reason"]),
    Move::new("share-sign", "协办签收", &[]),
    Move::new("approve", "部门负责人审核通过", &[]),
    Move::new("decline", "部门负责人审核不通过", &[REASON]).needs(&["reason"]),
    Move::new("assign", "指定承办人", &[("clerk", Check::Id, "承办人")]).needs(&["clerk"]),
    Move::new("share-done", "协办完成", &[NOTE]).needs(&["note"]),
];

/// The moves on a meeting; their route reads no body.
pub const MEETING_MOVES: &[Move] = &[
    Move::new("notify", "发出会议通知", &[]),
    Move::new("start", "开始会议", &[]),
    Move::new("close", "结束会议", &[]),
];

/// The body of the move called `name` among `moves` (an unknown name is
/// not found), holding only that move's fields.
pub fn read(moves: &[Move], name: &str, body: Map<String, Value>) -> AppResult<ActionInput> {
    let m = moves
        .iter()
        .find(|m| m.name == name)
        .ok_or(AppError::Store(store::StoreError::NotFound("操作")))?;
    read_one(m, body)
}

/// The body of move `m`, holding only its fields.
pub fn read_one(m: &Move, body: Map<String, Value>) -> AppResult<ActionInput> {
    m.check_fields(&body)?;
    serde_json::from_value(Value::Object(body))
        .map_err(|e| AppError::BadRequest(format!("字段不正确：{e}")))
}
