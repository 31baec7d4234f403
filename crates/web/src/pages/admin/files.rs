//! 批量导入导出: a region's rooms, departments and people as an XLSX workbook
//! (one sheet each), and the same file (or a CSV of one sheet) read back:
//! first a dry run that shows, row by row, what would be created or changed
//! and every error with its row and column; only the administrator's
//! confirmation writes it, in one transaction.
use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, State};
use axum::response::{Html, IntoResponse, Response};
use document::Cell;
use domain::{DEPARTMENT_SHEET, ImportError, PERSON_SHEET, ROOM_SHEET, RegionPath, Role, Sheet};
use store::{Authority, Change, ImportMode, ImportPlan, Store};

use super::{administered, by};
use crate::AppState;
use crate::auth::{SignedIn, hash_password, temporary_password};
use crate::error::{AppError, AppResult};
use crate::forms::invalid;
use crate::view::{Nav, render};

/// The sheets of a file as the domain reads them.
pub fn sheets_of(bytes: &[u8]) -> AppResult<Vec<Sheet>> {
    // A CSV file holds one sheet, named by what its header has.
    let name_csv = |header: &[String]| {
        let has = |c: &str| header.iter().any(|h| h.trim() == c);
        if has("登录名") {
            PERSON_SHEET.0
        } else if has("所在地区") {
            ROOM_SHEET.0
        } else {
            DEPARTMENT_SHEET.0
        }
        .to_owned()
    };
    let read = document::read_tables(bytes, name_csv).map_err(|e| invalid("file", &e.0))?;
    Ok(read
        .into_iter()
        .map(|s| {
            let mut rows = s.rows.into_iter();
            Sheet {
                name: s.name,
                header: rows.next().unwrap_or_default(),
                rows: rows.collect(),
            }
        })
        .collect())
}

/// New people's temporary passwords (login → password) and their hashes.
pub async fn passwords_for(
    plan: &ImportPlan,
) -> anyhow::Result<(Vec<(String, String)>, BTreeMap<String, String>)> {
    let mut shown = Vec::new();
    let mut hashes = BTreeMap::new();
    for row in plan
        .rows
        .iter()
        .filter(|r| r.sheet == PERSON_SHEET.0 && r.change == Change::Create)
    {
        let password = temporary_password();
        let hash = hash_password(domain::Password::parse(&password)?).await?;
        hashes.insert(row.key.clone(), hash);
        shown.push((row.key.clone(), password));
    }
    Ok((shown, hashes))
}

/// Reads, plans and (when `commit`) writes a file; the temporary passwords
/// of new people come back with the plan.
pub async fn import_file(
    store: &Store,
    by: Authority<'_>,
    bytes: &[u8],
    commit: bool,
) -> AppResult<(ImportPlan, Vec<(String, String)>)> {
    let (lines, errors) = domain::read_sheets(&sheets_of(bytes)?);
    if !errors.is_empty() {
        return Ok((
            ImportPlan {
                rows: Vec::new(),
                errors,
            },
            Vec::new(),
        ));
    }
    let plan = store.import(by, &lines, ImportMode::DryRun).await?;
    if !commit || !plan.errors.is_empty() {
        return Ok((plan, Vec::new()));
    }
    let (shown, hashes) = passwords_for(&plan).await.map_err(AppError::Internal)?;
    let plan = store.import(by, &lines, ImportMode::Commit(hashes)).await?;
    Ok((plan, shown))
}

/// A region's rooms, departments and people as the workbook the import reads.
pub async fn export_xlsx(store: &Store, regions: &[RegionPath]) -> AppResult<Vec<u8>> {
    let all = store.regions().await?;
    let covered = |p: &RegionPath| regions.is_empty() || regions.iter().any(|r| r.covers(p));
    let path_name = |id: domain::RegionId| {
        all.iter()
            .find(|r| r.id == id)
            .map(|r| {
                r.path
                    .0
                    .iter()
                    .filter_map(|i| all.iter().find(|x| x.id == *i))
                    .map(|x| x.name.as_str())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_default()
    };
    let in_reach = |id: domain::RegionId| all.iter().any(|r| r.id == id && covered(&r.path));
    let t = |s: &str| Cell::Text(s.to_owned());
    let state = |retired: bool| t(if retired { "停用" } else { "在用" });
    let rooms = store.rooms().await?;
    let room_rows = rooms
        .iter()
        .filter(|r| in_reach(r.region))
        .map(|r| {
            vec![
                t(r.code.as_str()),
                t(&r.name),
                t(&path_name(r.region)),
                t(&r.place),
                t(&r.description),
                t(if r.allow_anonymous {
                    "允许"
                } else {
                    "不允许"
                }),
                state(r.retired),
            ]
        })
        .collect();
    let departments = store.departments().await?;
    let department_rows = departments
        .iter()
        .filter(|d| in_reach(d.region))
        .map(|d| {
            vec![
                t(&d.code),
                t(&d.name),
                t(&d.short_name),
                t(&path_name(d.region)),
                state(d.retired),
            ]
        })
        .collect();
    let mut people_rows = Vec::new();
    for p in store.admin_people(regions).await? {
        let Some(username) = &p.user.username else {
            continue;
        };
        let home = p.user.home.map(path_name).unwrap_or_else(|| {
            p.places
                .first()
                .and_then(RegionPath::id)
                .map(path_name)
                .unwrap_or_default()
        });
        let categories: Vec<&str> = p.user.categories.iter().map(|c| c.label_zh()).collect();
        let roles: Vec<String> = p
            .grants
            .iter()
            .filter(|g| g.role != Role::Resident)
            .filter_map(|g| {
                let place = match &g.scope {
                    domain::Scope::Room(r) => {
                        rooms.iter().find(|x| x.id == *r)?.code.as_str().to_owned()
                    }
                    domain::Scope::Department(d) => {
                        departments.iter().find(|x| x.id == *d)?.code.clone()
                    }
                    domain::Scope::Region(path) => path_name(path.id()?),
                    domain::Scope::Global => return None,
                };
                Some(format!("{}:{place}", g.role.label_zh()))
            })
            .collect();
        people_rows.push(vec![
            t(username.as_str()),
            t(&p.user.display_name),
            t(&p.user.title),
            t(p.user.phone.as_ref().map_or("", |x| x.as_str())),
            t(&home),
            t(&categories.join("、")),
            t(&roles.join("；")),
            t(if p.user.disabled { "停用" } else { "正常" }),
        ]);
    }
    let sheet = |name: &str, header: &[&str], rows| document::Sheet {
        name: name.to_owned(),
        header: header.iter().map(|h| (*h).to_owned()).collect(),
        rows,
    };
    document::xlsx(&[
        sheet(ROOM_SHEET.0, &ROOM_SHEET.1, room_rows),
        sheet(DEPARTMENT_SHEET.0, &DEPARTMENT_SHEET.1, department_rows),
        sheet(PERSON_SHEET.0, &PERSON_SHEET.1, people_rows),
    ])
    .map_err(|e| AppError::Internal(e.into()))
}

/// `GET /admin/export.xlsx`: the workbook of the viewer's regions.
pub async fn export(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
) -> AppResult<Response> {
    let regions = administered(&viewer);
    if regions.is_empty() {
        return Err(domain::DomainError::Forbidden.into());
    }
    let bytes = export_xlsx(&state.store, &regions).await?;
    state
        .store
        .audit_read(
            domain::AuditWhat::Other(domain::AuditAction::PersonalDataExported),
            "export:directory",
            regions.first(),
            serde_json::json!({ "bytes": bytes.len() }),
        )
        .await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"directory.xlsx\"; filename*=UTF-8''%E5%9C%B0%E5%8C%BA%E4%BA%BA%E5%91%98.xlsx",
            ),
        ],
        bytes,
    )
        .into_response())
}

/// One row of the preview.
struct Line {
    sheet: &'static str,
    row: usize,
    key: String,
    what: String,
}

#[derive(Template)]
#[template(path = "admin/import.html")]
struct ImportPage {
    nav: Nav,
    lines: Vec<Line>,
    errors: Vec<String>,
    /// The file, hex-encoded, for the confirmation to send again.
    file: String,
    /// Written (not a dry run).
    done: bool,
    /// New people's temporary passwords, shown once after the import.
    passwords: Vec<(String, String)>,
}

/// `GET /admin/import`.
pub async fn import_form(SignedIn(viewer): SignedIn) -> Html<String> {
    Html(render(&ImportPage {
        nav: Nav::of(&viewer),
        lines: Vec::new(),
        errors: Vec::new(),
        file: String::new(),
        done: false,
        passwords: Vec::new(),
    }))
}

/// `POST /admin/import`: a file uploaded (a dry run), or a dry run's file
/// sent back with `confirm` (the import).
pub async fn import(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    mut form: Multipart,
) -> AppResult<Response> {
    if administered(&viewer).is_empty() {
        return Err(domain::DomainError::Forbidden.into());
    }
    let (mut bytes, mut confirm) = (Vec::new(), false);
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| invalid("file", "上传的内容读取失败"))?
    {
        match field.name() {
            Some("file") => {
                bytes = field
                    .bytes()
                    .await
                    .map_err(|_| invalid("file", "文件读取失败"))?
                    .to_vec()
            }
            Some("again") => {
                let text = field
                    .text()
                    .await
                    .map_err(|_| invalid("file", "文件读取失败"))?;
                bytes = hex::decode(text.trim()).map_err(|_| invalid("file", "请重新上传文件"))?;
            }
            Some("confirm") => confirm = true,
            _ => {}
        }
    }
    if bytes.is_empty() {
        return Err(invalid("file", "请选择要导入的文件（Excel 或 CSV）"));
    }
    let (plan, passwords) = import_file(&state.store, by(&viewer), &bytes, confirm).await?;
    let errors: Vec<String> = plan.errors.iter().map(ImportError::text_zh).collect();
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let lines = plan
        .rows
        .iter()
        .map(|r| Line {
            sheet: r.sheet,
            row: r.row,
            key: r.key.clone(),
            what: match &r.change {
                Change::Create => "新增".to_owned(),
                Change::Update(f) => format!("修改：{}", f.join("、")),
                Change::Same => "不变".to_owned(),
            },
        })
        .collect();
    let page = ImportPage {
        nav: Nav::of(&viewer),
        lines,
        done: confirm && errors.is_empty(),
        file: if confirm {
            String::new()
        } else {
            hex::encode(&bytes)
        },
        errors,
        passwords,
    };
    Ok((status, Html(render(&page))).into_response())
}
