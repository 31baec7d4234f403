//! Pol.is interoperability and the end of a deliberation: bringing an
//! existing Pol.is conversation (openData CSV) into a topic, giving a
//! deliberation back in the same format, and closing it.
use std::collections::{BTreeSet, HashMap};

use domain::{
    DeliberationId, DeliberationMove, DomainError, EventDetail, EventKind, Role, StatementState,
    TopicId,
};
use opinion::matrix::VoteRecord;
use opinion::polis::{Comment, OpenData};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::entity::{deliberation, opinion_vote, statement};
use crate::model::Deliberation;
use crate::topics::add_event;
use crate::{Result, Store, StoreError, Who, count};

/// Imported statements may be longer than ours (Pol.is lets a conversation raise its limit).
const IMPORTED_MAX: usize = 1000;

/// Imported participants vote under this prefix, apart from our phones and accounts.
const IMPORTED: &str = "p:";

fn imported_text(c: &Comment) -> Result<String> {
    let text = c.text.trim();
    let bad = |message: String| {
        StoreError::Domain(DomainError::Invalid {
            field: "comments",
            message,
        })
    };
    if text.is_empty() {
        // Published samples blank the text out; the votes still count.
        return Ok(format!("观点 #{}（导出文件中没有内容）", c.tid));
    }
    if text.chars().count() > IMPORTED_MAX {
        return Err(bad(format!("第{}条观点超过{IMPORTED_MAX}字", c.tid)));
    }
    if domain::has_hidden_chars(text, false) {
        return Err(bad(format!("第{}条观点含有不允许的字符", c.tid)));
    }
    Ok(text.to_owned())
}

impl Store {
    /// Opens a topic's deliberation from a Pol.is export: its statements
    /// (ids, moderation, meta kept) and every participant's latest vote.
    pub async fn import_deliberation(
        &self,
        topic_id: TopicId,
        who: &Who,
        data: &OpenData,
    ) -> Result<Deliberation> {
        let w = self.write().await?;
        let d = crate::deliberation::start(&w, topic_id, who).await?;
        if data.comments.is_empty() {
            return Err(DomainError::Invalid {
                field: "comments",
                message: "没有找到观点（comments.csv）".into(),
            }
            .into());
        }
        let texts = data
            .comments
            .iter()
            .map(imported_text)
            .collect::<Result<Vec<_>>>()?;
        let mut statement_of: HashMap<u64, i64> = HashMap::new();
        for (c, text) in data.comments.iter().zip(texts) {
            let tid = i64::try_from(c.tid).map_err(|_| StoreError::NotFound("观点编号"))?;
            if statement_of.contains_key(&c.tid) {
                return Err(DomainError::Invalid {
                    field: "comments",
                    message: format!("观点编号{}重复", c.tid),
                }
                .into());
            }
            // Pol.is shows unmoderated statements unless moderation is strict.
            let state = match c.moderated {
                -1 => StatementState::Rejected,
                _ => StatementState::Approved,
            };
            let s = statement::ActiveModel {
                deliberation_id: Set(d.id),
                tid: Set(tid),
                text: Set(text),
                author_user_id: Set(None),
                author_device: Set(c.author.map(|a| format!("{IMPORTED}{a}"))),
                state: Set(state.code().to_owned()),
                is_meta: Set(c.is_meta),
                created_at: Set(at_millis(c.created, w.now)),
                ..Default::default()
            }
            .insert(&w.tx)
            .await?;
            statement_of.insert(c.tid, s.id);
        }
        // The latest vote of each participant on each statement, as Pol.is counts it.
        let mut latest: HashMap<(u64, u64), &VoteRecord> = HashMap::new();
        for v in &data.votes {
            if !statement_of.contains_key(&v.tid) {
                return Err(DomainError::Invalid {
                    field: "votes",
                    message: format!("表态指向不存在的观点{}", v.tid),
                }
                .into());
            }
            let e = latest.entry((v.pid, v.tid)).or_insert(v);
            if v.timestamp >= e.timestamp {
                *e = v;
            }
        }
        let mut votes: Vec<&VoteRecord> = latest.into_values().collect();
        votes.sort_by_key(|v| (v.timestamp, v.pid, v.tid));
        let rows: Vec<opinion_vote::ActiveModel> = votes
            .iter()
            .map(|v| opinion_vote::ActiveModel {
                deliberation_id: Set(d.id),
                statement_id: Set(statement_of[&v.tid]),
                voter: Set(format!("{IMPORTED}{}", v.pid)),
                vote: Set(i16::from(v.vote.export_sign())),
                created_at: Set(at_millis(v.timestamp, w.now)),
                ..Default::default()
            })
            .collect();
        for chunk in rows.chunks(500) {
            opinion_vote::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&w.tx)
                .await?;
        }
        let people = votes.iter().map(|v| v.pid).collect::<BTreeSet<_>>().len();
        let detail = EventDetail::DeliberationImported {
            statements: count(data.comments.len()),
            participants: count(people),
            votes: count(votes.len()),
        };
        add_event(
            &w,
            topic_id.0,
            None,
            EventKind::DeliberationOpened,
            who,
            Role::Convener,
            detail,
        )
        .await?;
        w.commit().await?;
        d.try_into()
    }

    /// The deliberation as Pol.is data: participants numbered by their first
    /// vote (as in the analysis), statements with moderation and authors.
    /// Only approved statements are published: one waiting for the convener
    /// or turned down (a name, a phone number, an insult) appears in no
    /// export, and neither do votes on it.
    pub async fn open_data(&self, id: DeliberationId) -> Result<(Vec<VoteRecord>, Vec<Comment>)> {
        let (input, pid_of) = self.conversation(id).await?;
        let comments: Vec<Comment> = self
            .statements(id)
            .await?
            .into_iter()
            .filter(|s| s.state == StatementState::Approved)
            .map(|s| {
                let key = match (s.author_user, &s.author_device) {
                    (None, Some(d)) if d.starts_with(IMPORTED) => Some(d.clone()),
                    (u, d) => crate::key_of(u, d.as_deref()),
                };
                Comment {
                    tid: u64::try_from(s.tid).unwrap_or(0),
                    author: key.and_then(|k| pid_of.get(&k).copied()),
                    created: s.created_at.timestamp_millis(),
                    text: s.text,
                    moderated: match s.state {
                        StatementState::Approved => 1,
                        StatementState::Pending => 0,
                        StatementState::Rejected => -1,
                    },
                    is_meta: s.is_meta,
                }
            })
            .collect();
        let published: BTreeSet<u64> = comments.iter().map(|c| c.tid).collect();
        let votes = input
            .votes
            .into_iter()
            .filter(|v| published.contains(&v.tid))
            .collect();
        Ok((votes, comments))
    }

    /// The convener ends a deliberation: no more votes or statements; the
    /// map and its common ground stay for the meeting.
    pub async fn close_deliberation(&self, id: DeliberationId, who: &Who) -> Result<Deliberation> {
        let w = self.write().await?;
        let (d, ctx) = crate::deliberation::locked(&w, id).await?;
        let closed = domain::decide_deliberation(&ctx, &who.actor, DeliberationMove::Close)?;
        let votes = opinion_vote::Entity::find()
            .filter(opinion_vote::Column::DeliberationId.eq(id.0))
            .count(&w.tx)
            .await?;
        let topic = d.topic_id;
        let mut am: deliberation::ActiveModel = d.into();
        am.state = Set(closed.code().to_owned());
        let d = am.update(&w.tx).await?;
        add_event(
            &w,
            topic,
            None,
            EventKind::DeliberationClosed,
            who,
            Role::Convener,
            EventDetail::DeliberationClosed {
                votes: count(votes),
            },
        )
        .await?;
        w.commit().await?;
        d.try_into()
    }
}

/// An exported time, or `otherwise` when the export has none.
fn at_millis(ms: i64, otherwise: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms)
        .filter(|_| ms > 0)
        .unwrap_or(otherwise)
}
