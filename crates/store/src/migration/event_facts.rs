//! `m0008`: rows written while timeline text was formatted in the store.
//!
//! Meeting times went into that text in UTC (a 09:30 meeting read 01:30).
//! Those entries become facts with the time as a UTC instant, rendered in
//! Beijing time from now on; inbox lines already sent get the Beijing time
//! written in. Roles stored as Chinese labels become their codes. Other old
//! text holds no time and stays as it was (shown as written).
use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use domain::{EventDetail, EventKind, Role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};

use crate::entity::{notification, topic_event};

pub(super) async fn convert<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    for role in Role::ALL {
        topic_event::Entity::update_many()
            .col_expr(topic_event::Column::ActorRole, Expr::value(role.code()))
            .filter(topic_event::Column::ActorRole.eq(role.label_zh()))
            .exec(db)
            .await?;
    }
    let meeting_kinds = [
        EventKind::Scheduled,
        EventKind::MeetingNotified,
        EventKind::MeetingStarted,
        EventKind::MeetingClosed,
    ];
    let rows = topic_event::Entity::find()
        .filter(topic_event::Column::Kind.is_in(meeting_kinds.iter().map(|k| k.code())))
        .filter(topic_event::Column::Data.is_null())
        .all(db)
        .await?;
    for row in rows {
        let Some(facts) = meeting_facts(&row.kind, &row.detail) else {
            continue;
        };
        let json = serde_json::to_string(&facts).map_err(|e| DbErr::Custom(e.to_string()))?;
        let mut am: topic_event::ActiveModel = row.into();
        am.data = Set(Some(json));
        am.detail = Set(String::new());
        am.update(db).await?;
    }
    let labels = meeting_kinds.map(|k| format!("：{}（", k.label_zh()));
    let lines = notification::Entity::find()
        .filter(labels.iter().fold(sea_orm::Condition::any(), |c, l| {
            c.add(notification::Column::Text.contains(l.as_str()))
        }))
        .all(db)
        .await?;
    for line in lines {
        let Some(text) = to_beijing(&line.text) else {
            continue;
        };
        let mut am: notification::ActiveModel = line.into();
        am.text = Set(text);
        am.update(db).await?;
    }
    Ok(())
}

/// The first `YYYY-MM-DD HH:MM` in `s`: its byte range and the instant it names in UTC.
fn find_time(s: &str) -> Option<(usize, usize, DateTime<Utc>)> {
    s.char_indices().find_map(|(i, _)| {
        let slice = s.get(i..i + 16)?;
        let t = NaiveDateTime::parse_from_str(slice, "%Y-%m-%d %H:%M").ok()?;
        Some((i, i + 16, t.and_utc()))
    })
}

/// The facts of an old meeting entry, from the text the store wrote.
fn meeting_facts(kind: &str, text: &str) -> Option<EventDetail> {
    let (from, to, starts_at) = find_time(text)?;
    if kind == EventKind::Scheduled.code() {
        // 列入「{meeting}」议程（{time}）
        let meeting = text
            .get(..from)?
            .strip_prefix("列入「")?
            .strip_suffix("」议程（")?;
        return Some(EventDetail::Scheduled {
            meeting: meeting.to_owned(),
            starts_at,
        });
    }
    // 「{meeting}」，{time}，{place}
    let meeting = text.get(..from)?.strip_prefix('「')?.strip_suffix("」，")?;
    let place = text.get(to..)?.strip_prefix('，').unwrap_or_default();
    Some(EventDetail::Meeting {
        meeting: meeting.to_owned(),
        starts_at,
        place: place.to_owned(),
    })
}

/// An inbox line about a meeting with its UTC time rewritten in Beijing time.
fn to_beijing(text: &str) -> Option<String> {
    let (from, to, utc) = find_time(text)?;
    let local = (utc + TimeDelta::hours(8)).format("%Y-%m-%d %H:%M");
    Some(format!("{}{local}{}", text.get(..from)?, text.get(to..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_meeting_text_becomes_facts_read_in_beijing_time() {
        let d = meeting_facts(
            "scheduled",
            "列入「陈师社区秋季协商议事会」议程（2026-10-26 01:30）",
        )
        .expect("parsed");
        assert_eq!(
            d.text_zh(),
            "列入「陈师社区秋季协商议事会」议程（2026-10-26 09:30）"
        );
        let d = meeting_facts(
            "meeting_started",
            "「秋季议事会」，2026-10-26 01:30，村委会二楼",
        )
        .expect("parsed");
        assert_eq!(d.text_zh(), "「秋季议事会」，2026-10-26 09:30，村委会二楼");
        assert_eq!(meeting_facts("scheduled", "没有时间"), None);
    }

    #[test]
    fn inbox_lines_get_the_beijing_time() {
        assert_eq!(
            to_beijing("您关注的议题「井盖」：安排上会（列入「会」议程（2026-10-26 17:30））")
                .as_deref(),
            Some("您关注的议题「井盖」：安排上会（列入「会」议程（2026-10-27 01:30））")
        );
    }
}
