//! 数据字典: every dataset's fields, read from its record's OpenAPI schema
//! so that the dictionary and the document say the same.
use serde::Serialize;
use utoipa::ToSchema;

use super::{MeetingRecord, OpinionRecord, Record, TaskRecord, TopicRecord};

/// One column of a dataset.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldJson {
    /// The column's name, as the CSV header and the JSON key give it.
    pub name: &'static str,
    /// `string`, `integer`, `number` or `boolean`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether it may be empty (null in JSON, an empty cell in CSV).
    pub nullable: bool,
    /// What it holds.
    pub description: String,
}

/// One dataset.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatasetJson {
    /// Its name, as the URL ends.
    pub name: &'static str,
    /// 数据集名称.
    pub title: &'static str,
    /// What one record is. (A region's records are at
    /// `/api/regions/{id}/open-data/{name}`.)
    pub description: String,
    pub fields: Vec<FieldJson>,
}

/// The data dictionary (数据字典).
#[derive(Debug, Serialize, ToSchema)]
pub struct DictionaryJson {
    /// How the datasets may be asked for and what they leave out.
    pub notes: Vec<&'static str>,
    pub datasets: Vec<DatasetJson>,
}

/// A dataset's entry, read from its record's schema (so the dictionary
/// says what the documentation says).
fn dataset<R: Record>(name: &'static str, title: &'static str) -> DatasetJson {
    let schema = serde_json::to_value(R::schema()).unwrap_or_default();
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().trim().to_owned();
    let fields = R::COLUMNS
        .iter()
        .map(|column| {
            let field = &schema["properties"][*column];
            let types: Vec<&str> = match &field["type"] {
                serde_json::Value::Array(all) => all.iter().filter_map(|t| t.as_str()).collect(),
                one => one.as_str().into_iter().collect(),
            };
            FieldJson {
                name: column,
                kind: types
                    .iter()
                    .find(|t| **t != "null")
                    .copied()
                    .unwrap_or("string")
                    .to_owned(),
                nullable: types.contains(&"null"),
                description: text(&field["description"]),
            }
        })
        .collect();
    DatasetJson {
        name,
        title,
        description: text(&schema["description"]),
        fields,
    }
}

/// The dictionary of every dataset.
pub fn dictionary() -> DictionaryJson {
    DictionaryJson {
        notes: vec![
            "每个数据集按地区下载：/api/regions/{id}/open-data/{数据集}，format=json（默认）或 csv，period 为统计期（不填为全部）。",
            "议题、协商意见和交办任务按议题提出时间归入统计期，会议按开始时间。",
            "时间为北京时间（RFC 3339），日期为 YYYY-MM-DD。CSV 为 UTF-8 编码（带 BOM），首行为字段名。",
            "不含群众的姓名、电话和议题正文。",
        ],
        datasets: vec![
            dataset::<TopicRecord>("topics", "议题"),
            dataset::<MeetingRecord>("meetings", "协商议事会"),
            dataset::<OpinionRecord>("opinions", "协商意见"),
            dataset::<TaskRecord>("tasks", "交办任务"),
        ],
    }
}

#[utoipa::path(get, path = "/api/open-data", tag = "open-data",
    responses((status = 200, body = DictionaryJson)))]
pub async fn dictionary_json() -> axum::Json<DictionaryJson> {
    axum::Json(dictionary())
}
