//! 批量导入: a region's rooms, departments and people as spreadsheet rows
//! (one sheet each, columns found by their Chinese header), read into typed
//! lines or, for every cell that cannot be, an error naming its sheet, row
//! and column. The same columns come out of an export, so a region edits
//! its file and imports it again.
use crate::{DomainError, ParticipantCategory, PhoneNumber, Role, RoomCode, Username};

/// The sheet of rooms and its columns, in export order.
pub const ROOM_SHEET: (&str, [&str; 7]) = (
    "议事室",
    [
        "代码",
        "名称",
        "所在地区",
        "地点",
        "简介",
        "匿名提交",
        "状态",
    ],
);
/// The sheet of departments and its columns.
pub const DEPARTMENT_SHEET: (&str, [&str; 5]) =
    ("部门", ["代码", "名称", "简称", "所属地区", "状态"]);
/// The sheet of people and its columns.
pub const PERSON_SHEET: (&str, [&str; 8]) = (
    "人员",
    [
        "登录名",
        "姓名",
        "职务",
        "手机号",
        "所属地区",
        "人员类别",
        "角色",
        "状态",
    ],
);

/// A sheet as read from a file: its name, header row and data rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sheet {
    /// 议事室, 部门 or 人员.
    pub name: String,
    /// The first row's cells.
    pub header: Vec<String>,
    /// Every later row's cells, as text.
    pub rows: Vec<Vec<String>>,
}

/// A cell that cannot be read, or a row that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The sheet.
    pub sheet: String,
    /// The row as the spreadsheet numbers it (the header is row 1).
    pub row: usize,
    /// The column's header.
    pub column: String,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl ImportError {
    /// 「人员」第3行「手机号」：… as people read it.
    pub fn text_zh(&self) -> String {
        format!(
            "「{}」第{}行「{}」：{}",
            self.sheet, self.row, self.column, self.message
        )
    }
}

/// A room's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomLine {
    /// Its row in the sheet.
    pub row: usize,
    /// Its permanent code.
    pub code: RoomCode,
    /// Its name (a person's: their name).
    pub name: String,
    /// The region's name (or names from the top, separated by /).
    pub region: String,
    /// Where it meets.
    pub place: String,
    /// What its page says about it.
    pub description: String,
    /// Residents may submit without signing in (匿名提交 允许).
    pub allow_anonymous: bool,
    /// 状态 停用.
    pub retired: bool,
}

/// A department's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentLine {
    /// Its row in the sheet.
    pub row: usize,
    /// Its code.
    pub code: String,
    /// Its name (a person's: their name).
    pub name: String,
    /// Its short name (the name when left empty).
    pub short_name: String,
    /// The region's name (or names from the top, separated by /).
    pub region: String,
    /// 状态 停用.
    pub retired: bool,
}

/// A person's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonLine {
    /// Its row in the sheet.
    pub row: usize,
    /// Their login name, which finds them again.
    pub username: Username,
    /// Its name (a person's: their name).
    pub name: String,
    /// Their post.
    pub title: String,
    /// The phone texts go to.
    pub phone: Option<PhoneNumber>,
    /// Their home region's name (or names from the top, separated by /).
    pub region: String,
    /// Who they are in a meeting's mix (群众 when none).
    pub categories: Vec<ParticipantCategory>,
    /// Roles to hold, each with its place as written: a room's code, a
    /// department's code or a region's name.
    pub roles: Vec<(Role, String)>,
    /// 状态 停用.
    pub disabled: bool,
}

/// Everything a file holds, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportLines {
    /// The 议事室 sheet.
    pub rooms: Vec<RoomLine>,
    /// The 部门 sheet.
    pub departments: Vec<DepartmentLine>,
    /// The 人员 sheet.
    pub people: Vec<PersonLine>,
}

/// One row's cells by column name.
struct Row<'a> {
    sheet: &'a str,
    number: usize,
    header: &'a [String],
    cells: &'a [String],
    errors: &'a mut Vec<ImportError>,
}

impl Row<'_> {
    fn get(&self, column: &str) -> &str {
        self.header
            .iter()
            .position(|h| h.trim() == column)
            .and_then(|i| self.cells.get(i))
            .map_or("", |c| c.trim())
    }

    fn fail(&mut self, column: &str, message: impl Into<String>) {
        self.errors.push(ImportError {
            sheet: self.sheet.to_owned(),
            row: self.number,
            column: column.to_owned(),
            message: message.into(),
        });
    }

    /// Text of at most `max` characters; `min` > 0 makes it required.
    fn text(&mut self, column: &str, min: usize, max: usize) -> Option<String> {
        let v = self.get(column).to_owned();
        let n = v.chars().count();
        if min > 0 && n == 0 {
            self.fail(column, "不能为空");
            None
        } else if n < min || n > max {
            self.fail(column, format!("应为{min}到{max}个字"));
            None
        } else if crate::has_hidden_chars(&v, true) {
            self.fail(column, "含有不允许的字符");
            None
        } else {
            Some(v)
        }
    }

    fn parsed<T>(
        &mut self,
        column: &str,
        parse: impl FnOnce(&str) -> Result<T, DomainError>,
    ) -> Option<T> {
        match parse(self.get(column)) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(column, e.message_zh());
                None
            }
        }
    }

    /// A yes/no cell: empty is `default`.
    fn flag(&mut self, column: &str, yes: &[&str], no: &[&str], default: bool) -> Option<bool> {
        let v = self.get(column);
        if v.is_empty() {
            Some(default)
        } else if yes.contains(&v) {
            Some(true)
        } else if no.contains(&v) {
            Some(false)
        } else {
            let words = yes.iter().chain(no).copied().collect::<Vec<_>>().join("、");
            self.fail(column, format!("应填：{words}"));
            None
        }
    }
}

/// Splits a list cell at 、，, ; ； and line breaks.
fn items(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(['、', '，', ',', ';', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A role as written: 召集人:chenshi-sq (its label or code, a colon, its place).
fn role_item(item: &str) -> Result<(Role, String), String> {
    let (role, place) = item
        .split_once([':', '：', '@'])
        .ok_or_else(|| format!("「{item}」应写成 角色:地点，如 召集人:chenshi-sq"))?;
    let role = role.trim();
    let role = Role::parse(role)
        .or_else(|| Role::ALL.into_iter().find(|r| r.label_zh() == role))
        .filter(|r| *r != Role::Resident)
        .ok_or_else(|| format!("没有「{role}」这个角色"))?;
    let place = place.trim();
    if place.is_empty() {
        return Err(format!("「{item}」缺少地点"));
    }
    Ok((role, place.to_owned()))
}

const ACTIVE: &[&str] = &["在用", "正常", "启用", ""];

/// Reads every sheet it knows (by name); other sheets are ignored, and a
/// file with none of them is one error.
pub fn read_sheets(sheets: &[Sheet]) -> (ImportLines, Vec<ImportError>) {
    let mut lines = ImportLines::default();
    let mut errors = Vec::new();
    let known = [ROOM_SHEET.0, DEPARTMENT_SHEET.0, PERSON_SHEET.0];
    if !sheets.iter().any(|s| known.contains(&s.name.trim())) {
        errors.push(ImportError {
            sheet: sheets.first().map(|s| s.name.clone()).unwrap_or_default(),
            row: 1,
            column: String::new(),
            message: "找不到「议事室」「部门」或「人员」工作表（或对应表头）".into(),
        });
    }
    for sheet in sheets {
        let name = sheet.name.trim();
        let wanted: &[&str] = match name {
            n if n == ROOM_SHEET.0 => &ROOM_SHEET.1,
            n if n == DEPARTMENT_SHEET.0 => &DEPARTMENT_SHEET.1,
            n if n == PERSON_SHEET.0 => &PERSON_SHEET.1,
            _ => continue,
        };
        for column in wanted.iter().take(2) {
            if !sheet.header.iter().any(|h| h.trim() == *column) {
                errors.push(ImportError {
                    sheet: name.to_owned(),
                    row: 1,
                    column: (*column).to_owned(),
                    message: "表头缺少此列".into(),
                });
            }
        }
        for (i, cells) in sheet.rows.iter().enumerate() {
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let mut row = Row {
                sheet: name,
                number: i + 2,
                header: &sheet.header,
                cells,
                errors: &mut errors,
            };
            match name {
                n if n == ROOM_SHEET.0 => {
                    if let Some(l) = room_line(&mut row) {
                        lines.rooms.push(l);
                    }
                }
                n if n == DEPARTMENT_SHEET.0 => {
                    if let Some(l) = department_line(&mut row) {
                        lines.departments.push(l);
                    }
                }
                _ => {
                    if let Some(l) = person_line(&mut row) {
                        lines.people.push(l);
                    }
                }
            }
        }
    }
    (lines, errors)
}

fn room_line(r: &mut Row<'_>) -> Option<RoomLine> {
    let code = r.parsed("代码", RoomCode::parse);
    let name = r.text("名称", 2, 40);
    let region = r.text("所在地区", 2, 120);
    let place = r.text("地点", 0, 60);
    let description = r.text("简介", 0, 300);
    let allow_anonymous = r.flag("匿名提交", &["允许", "是"], &["不允许", "否"], true);
    let retired = r.flag("状态", &["停用"], ACTIVE, false);
    Some(RoomLine {
        row: r.number,
        code: code?,
        name: name?,
        region: region?,
        place: place?,
        description: description?,
        allow_anonymous: allow_anonymous?,
        retired: retired?,
    })
}

fn department_line(r: &mut Row<'_>) -> Option<DepartmentLine> {
    let code = r.parsed("代码", |c| {
        RoomCode::parse(c)
            .map(|c| c.as_str().to_owned())
            .map_err(|_| DomainError::invalid("code", "部门代码为3到16位小写字母、数字或连字符"))
    });
    let name = r.text("名称", 2, 40);
    let short_name = r.text("简称", 0, 8);
    let region = r.text("所属地区", 2, 120);
    let retired = r.flag("状态", &["停用"], ACTIVE, false);
    let name = name?;
    let short_name = short_name?;
    Some(DepartmentLine {
        row: r.number,
        code: code?,
        short_name: if short_name.is_empty() {
            name.clone()
        } else {
            short_name
        },
        name,
        region: region?,
        retired: retired?,
    })
}

fn person_line(r: &mut Row<'_>) -> Option<PersonLine> {
    let username = r.parsed("登录名", Username::parse);
    let name = r.text("姓名", 2, 20);
    let title = r.text("职务", 0, 30);
    let phone = r.parsed("手机号", |p| {
        if p.is_empty() {
            Ok(None)
        } else {
            PhoneNumber::parse(p).map(Some)
        }
    });
    let region = r.text("所属地区", 2, 120);
    let mut categories = Vec::new();
    let cell = r.get("人员类别").to_owned();
    let mut ok = true;
    for word in items(&cell) {
        match ParticipantCategory::from_zh(word) {
            Some(c) if !categories.contains(&c) => categories.push(c),
            Some(_) => {}
            None => {
                r.fail(
                    "人员类别",
                    format!(
                        "没有「{word}」这一类别，可填：{}",
                        ParticipantCategory::short_list()
                    ),
                );
                ok = false;
            }
        }
    }
    if categories.is_empty() {
        categories.push(ParticipantCategory::Public);
    }
    let mut roles = Vec::new();
    let cell = r.get("角色").to_owned();
    for item in items(&cell) {
        match role_item(item) {
            Ok(role) => roles.push(role),
            Err(m) => {
                r.fail("角色", m);
                ok = false;
            }
        }
    }
    let disabled = r.flag("状态", &["停用"], ACTIVE, false);
    ok.then_some(())?;
    Some(PersonLine {
        row: r.number,
        username: username?,
        name: name?,
        title: title?,
        phone: phone?,
        region: region?,
        categories,
        roles,
        disabled: disabled?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(name: &str, header: &[&str], rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: name.into(),
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect(),
        }
    }

    #[test]
    fn good_rows_become_typed_lines() {
        let people = sheet(
            "人员",
            &PERSON_SHEET.1,
            &[
                &[
                    "wang-jg",
                    "王建国",
                    "村委委员",
                    "13800001234",
                    "陈师村",
                    "党员、村民代表",
                    "召集人:chenshi-cun；委员：陈师街道",
                    "",
                ],
                &["", "", "", "", "", "", "", ""],
            ],
        );
        let rooms = sheet(
            "议事室",
            &["名称", "代码", "所在地区"],
            &[&["陈师村议事室", "chenshi-cun", "陈师街道/陈师村"]],
        );
        let (lines, errors) = read_sheets(&[rooms, people]);
        assert_eq!(errors, vec![]);
        let p = &lines.people[0];
        assert_eq!(p.row, 2);
        assert_eq!(
            p.categories,
            vec![
                ParticipantCategory::PartyMember,
                ParticipantCategory::ResidentRepresentative
            ]
        );
        assert_eq!(
            p.roles,
            vec![
                (Role::Convener, "chenshi-cun".into()),
                (Role::CommitteeMember, "陈师街道".into())
            ]
        );
        let room = &lines.rooms[0];
        assert!(room.allow_anonymous && !room.retired);
        assert_eq!(room.region, "陈师街道/陈师村");
    }

    #[test]
    fn every_bad_cell_is_named_by_row_and_column() {
        let people = sheet(
            "人员",
            &PERSON_SHEET.1,
            &[
                &[
                    "ok-name",
                    "李四",
                    "",
                    "1380000",
                    "陈师村",
                    "外星人",
                    "校长:x",
                    "离职",
                ],
                &["Bad Name!", "王", "", "", "", "", "", ""],
            ],
        );
        let (lines, errors) = read_sheets(&[people]);
        assert!(lines.people.is_empty());
        let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.column.as_str())).collect();
        for want in [
            (2, "手机号"),
            (2, "人员类别"),
            (2, "角色"),
            (2, "状态"),
            (3, "登录名"),
            (3, "姓名"),
            (3, "所属地区"),
        ] {
            assert!(found.contains(&want), "{want:?} in {found:?}");
        }
        assert!(errors[0].text_zh().starts_with("「人员」第2行"));
    }

    #[test]
    fn a_file_without_known_sheets_says_so() {
        let (_, errors) = read_sheets(&[sheet("Sheet1", &["a"], &[&["b"]])]);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("找不到"));
        let (_, errors) = read_sheets(&[sheet("部门", &["简称"], &[])]);
        assert_eq!(errors.len(), 2, "{errors:?}");
    }
}
