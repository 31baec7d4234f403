//! The audit log (操作日志): what each write was, who made it and from where,
//! chained by hashes so that a row changed, deleted, inserted or moved in
//! the database is found by [`Verifier`].
//!
//! Each entry's hash covers the one before it. A person with write access
//! to the database could rewrite the whole chain consistently, so its head
//! is also printed to the log from time to time (a checkpoint); a verify
//! given those checkpoints finds that too.
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::EventKind;
use crate::labels::labelled;

/// The hash the first entry links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

labelled!(
    /// A write that is not a move on a topic's timeline.
    AuditAction {
        SignIn => "sign_in", "登录";
        SignInFailed => "sign_in_failed", "登录失败";
        SignOut => "sign_out", "退出登录";
        PasswordChanged => "password_changed", "修改密码";
        PasswordReset => "password_reset", "重置密码";
        GrantAdded => "grant_added", "授予角色";
        GrantRevoked => "grant_revoked", "撤销角色";
        RegionCreated => "region_created", "新增地区";
        RegionRenamed => "region_renamed", "地区更名";
        RegionMoved => "region_moved", "调整地区隶属";
        RegionRetired => "region_retired", "撤销地区";
        RoomCreated => "room_created", "新增议事室";
        RoomUpdated => "room_updated", "修改议事室";
        RoomRetired => "room_retired", "停用议事室";
        DepartmentCreated => "department_created", "新增部门";
        DepartmentUpdated => "department_updated", "修改部门";
        DepartmentRetired => "department_retired", "停用部门";
        PersonCreated => "person_created", "新增人员";
        PersonUpdated => "person_updated", "修改人员";
        PersonDisabled => "person_disabled", "停用账号";
        PersonEnabled => "person_enabled", "启用账号";
        PhoneRevealed => "phone_revealed", "查看群众电话";
        PersonalDataExported => "personal_data_exported", "导出个人信息";
        SettingChanged => "setting_changed", "修改设置";
        SecondFactorOn => "second_factor_on", "开启动态验证码";
        SecondFactorOff => "second_factor_off", "关闭动态验证码";
        SecondFactorReset => "second_factor_reset", "重置动态验证码";
        RecoveryCodesIssued => "recovery_codes_issued", "生成恢复码";
        RecoveryCodeUsed => "recovery_code_used", "使用恢复码登录";
        WebhookAdded => "webhook_added", "新增Webhook";
        WebhookResumed => "webhook_resumed", "恢复Webhook";
        WebhookPaused => "webhook_paused", "暂停Webhook";
        WebhookRetired => "webhook_retired", "删除Webhook";
        ApiKeyIssued => "api_key_issued", "发放接口密钥";
        ApiKeyRetired => "api_key_retired", "停用接口密钥";
    }
);

/// What an entry records: a move on a topic's timeline or another write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditWhat {
    /// A move on a topic (its timeline entry's kind).
    Topic(EventKind),
    /// Anything else.
    Other(AuditAction),
}

impl AuditWhat {
    /// The stable code stored in the log: `topic.accepted`, `sign_in` ….
    pub fn code(&self) -> String {
        match self {
            AuditWhat::Topic(k) => format!("topic.{}", k.code()),
            AuditWhat::Other(a) => a.code().to_owned(),
        }
    }

    /// The value stored under `code`.
    pub fn parse(code: &str) -> Option<AuditWhat> {
        match code.strip_prefix("topic.") {
            Some(kind) => EventKind::parse(kind).map(AuditWhat::Topic),
            None => AuditAction::parse(code).map(AuditWhat::Other),
        }
    }

    /// How people read it, in Chinese.
    pub fn label_zh(&self) -> &'static str {
        match self {
            AuditWhat::Topic(k) => k.label_zh(),
            AuditWhat::Other(a) => a.label_zh(),
        }
    }
}

/// One entry as the chain hashes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// Its place in the chain, from 1 with no gaps.
    pub seq: i64,
    /// When the write was committed.
    pub at: DateTime<Utc>,
    /// The account that made it, if any.
    pub user: Option<i64>,
    /// The name shown for whoever made it (命令行, 后台任务 for the binary).
    pub actor_name: String,
    /// Where the request came from (a network address), or the command line.
    pub address: String,
    /// What was done (an [`AuditWhat`] code).
    pub action: String,
    /// What it was done to (a 查询码, `room:chenshi-sq`, `user:12` …).
    pub target: String,
    /// The encoded path of the region it concerns (empty when none), so a
    /// region's administrators read the entries about their region.
    pub region: String,
    /// The facts of the write, as JSON.
    pub detail: String,
}

impl AuditRecord {
    /// This entry's hash, given the hash of the entry before it. Every field
    /// is length-prefixed, so no two different records hash alike by
    /// moving text from one field to the next.
    pub fn hash(&self, prev: &str) -> String {
        let mut h = Sha256::new();
        let at = self.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let user = self.user.map(|u| u.to_string()).unwrap_or_default();
        for field in [
            prev,
            &self.seq.to_string(),
            &at,
            &user,
            &self.actor_name,
            &self.address,
            &self.action,
            &self.target,
            &self.region,
            &self.detail,
        ] {
            h.update((field.len() as u64).to_be_bytes());
            h.update(field.as_bytes());
        }
        hex::encode(h.finalize())
    }
}

/// A checkpoint: the chain's head as it was printed at some moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The entry that was the head.
    pub seq: i64,
    /// Its hash.
    pub hash: String,
}

impl Checkpoint {
    /// Reads `SEQ:HASH`, as the log prints it.
    pub fn parse(text: &str) -> Option<Checkpoint> {
        let (seq, hash) = text.trim().split_once(':')?;
        let hash = hash.trim().to_ascii_lowercase();
        (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit())).then_some(())?;
        Some(Checkpoint {
            seq: seq.trim().parse().ok()?,
            hash,
        })
    }
}

/// Something wrong with the stored chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The entry's content no longer gives its stored hash: changed.
    Altered {
        /// The entry.
        seq: i64,
    },
    /// Entries are missing before this one (deleted), or it stands where
    /// another was (inserted or moved).
    Gap {
        /// The number the next entry should have had.
        expected: i64,
        /// The number found there.
        found: i64,
    },
    /// The entry does not link to the one before it (inserted, moved, or
    /// the one before it was changed).
    Unlinked {
        /// The entry.
        seq: i64,
    },
    /// A checkpoint's entry has another hash now: the chain was rewritten.
    CheckpointDiffers {
        /// The checkpoint's entry.
        seq: i64,
    },
    /// A checkpoint's entry is gone: the end of the chain was cut off.
    CheckpointMissing {
        /// The checkpoint's entry.
        seq: i64,
    },
}

impl ChainBreak {
    /// What was found, in Chinese.
    pub fn text_zh(&self) -> String {
        match self {
            ChainBreak::Altered { seq } => format!("第{seq}条记录的内容已被改动"),
            ChainBreak::Gap { expected, found } => {
                format!("应为第{expected}条处出现第{found}条：记录被删除、插入或调换")
            }
            ChainBreak::Unlinked { seq } => {
                format!("第{seq}条记录与前一条不衔接：记录被插入、调换或前一条被改动")
            }
            ChainBreak::CheckpointDiffers { seq } => {
                format!("第{seq}条记录与检查点不符：日志链被整体改写")
            }
            ChainBreak::CheckpointMissing { seq } => {
                format!("检查点所记第{seq}条记录已不存在：日志末尾被截去")
            }
        }
    }
}

/// Walks a chain in order, entry by entry, so a long log is checked
/// without holding it in memory.
#[derive(Debug)]
pub struct Verifier {
    prev_hash: String,
    next_seq: i64,
    checked: u64,
    breaks: Vec<ChainBreak>,
    checkpoints: Vec<Checkpoint>,
}

impl Verifier {
    /// A verifier that also holds the chain to these checkpoints.
    pub fn new(checkpoints: Vec<Checkpoint>) -> Verifier {
        Verifier {
            prev_hash: GENESIS.to_owned(),
            next_seq: 1,
            checked: 0,
            breaks: Vec::new(),
            checkpoints,
        }
    }

    /// Checks the next stored entry: its stored link and hash.
    pub fn push(&mut self, record: &AuditRecord, prev_hash: &str, hash: &str) {
        self.checked += 1;
        if record.seq != self.next_seq {
            self.breaks.push(ChainBreak::Gap {
                expected: self.next_seq,
                found: record.seq,
            });
        } else if prev_hash != self.prev_hash {
            self.breaks.push(ChainBreak::Unlinked { seq: record.seq });
        }
        if record.hash(prev_hash) != hash {
            self.breaks.push(ChainBreak::Altered { seq: record.seq });
        }
        for c in self.checkpoints.iter().filter(|c| c.seq == record.seq) {
            if c.hash != hash {
                self.breaks
                    .push(ChainBreak::CheckpointDiffers { seq: record.seq });
            }
        }
        self.prev_hash = hash.to_owned();
        self.next_seq = record.seq + 1;
    }

    /// What was found, once every entry has been pushed; empty when intact.
    pub fn finish(mut self) -> Verdict {
        let last = self.next_seq - 1;
        for c in &self.checkpoints {
            if c.seq > last {
                self.breaks
                    .push(ChainBreak::CheckpointMissing { seq: c.seq });
            }
        }
        Verdict {
            checked: self.checked,
            head: Checkpoint {
                seq: last,
                hash: self.prev_hash,
            },
            breaks: self.breaks,
        }
    }
}

/// The outcome of walking a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Entries read.
    pub checked: u64,
    /// The last entry as found (seq 0 and [`GENESIS`] for an empty log).
    pub head: Checkpoint,
    /// Everything wrong, in chain order; empty when the chain is intact.
    pub breaks: Vec<ChainBreak>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: i64, action: &str) -> AuditRecord {
        AuditRecord {
            seq,
            at: DateTime::from_timestamp(1_800_000_000 + seq, 0).unwrap_or_default(),
            user: Some(7),
            actor_name: "陈召集".into(),
            address: "10.0.0.1".into(),
            action: action.into(),
            target: "room:chenshi-sq".into(),
            region: "/1/2/".into(),
            detail: "{}".into(),
        }
    }

    /// A chain of `n` entries as stored: (record, prev, hash).
    fn chain(n: i64) -> Vec<(AuditRecord, String, String)> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let r = record(seq, "room_updated");
                let hash = r.hash(&prev);
                let row = (r, prev.clone(), hash.clone());
                prev = hash;
                row
            })
            .collect()
    }

    fn verify(rows: &[(AuditRecord, String, String)], cps: Vec<Checkpoint>) -> Verdict {
        let mut v = Verifier::new(cps);
        for (r, prev, hash) in rows {
            v.push(r, prev, hash);
        }
        v.finish()
    }

    #[test]
    fn an_intact_chain_verifies() {
        let rows = chain(5);
        let head = Checkpoint {
            seq: 5,
            hash: rows[4].2.clone(),
        };
        let verdict = verify(&rows, vec![head.clone()]);
        assert_eq!(verdict.breaks, vec![]);
        assert_eq!(verdict.head, head);
        assert_eq!(verdict.checked, 5);
    }

    #[test]
    fn a_changed_field_is_found() {
        let mut rows = chain(5);
        rows[2].0.actor_name = "别人".into();
        assert_eq!(
            verify(&rows, vec![]).breaks,
            vec![ChainBreak::Altered { seq: 3 }]
        );
    }

    #[test]
    fn moving_text_between_fields_changes_the_hash() {
        let mut a = record(1, "room_updated");
        let mut b = a.clone();
        a.actor_name = "ab".into();
        a.address = "c".into();
        b.actor_name = "a".into();
        b.address = "bc".into();
        assert_ne!(a.hash(GENESIS), b.hash(GENESIS));
    }

    #[test]
    fn a_deleted_entry_is_found() {
        let mut rows = chain(5);
        rows.remove(2);
        let breaks = verify(&rows, vec![]).breaks;
        assert_eq!(
            breaks,
            vec![ChainBreak::Gap {
                expected: 3,
                found: 4
            }]
        );
    }

    #[test]
    fn an_inserted_entry_is_found() {
        let mut rows = chain(4);
        // Renumbered so the numbers run on: the links give it away.
        let fake = record(3, "grant_added");
        let fake_hash = fake.hash(&rows[1].2);
        rows.insert(2, (fake, rows[1].2.clone(), fake_hash));
        for (i, row) in rows.iter_mut().enumerate().skip(3) {
            row.0.seq = i as i64 + 1;
        }
        let breaks = verify(&rows, vec![]).breaks;
        assert!(
            breaks.contains(&ChainBreak::Unlinked { seq: 4 }),
            "{breaks:?}"
        );
    }

    #[test]
    fn swapped_entries_are_found() {
        let mut rows = chain(5);
        rows.swap(1, 2);
        assert!(!verify(&rows, vec![]).breaks.is_empty());
        let mut rows = chain(5);
        let (a, b) = (rows[1].0.clone(), rows[2].0.clone());
        rows[1].0 = AuditRecord { seq: 2, ..b };
        rows[2].0 = AuditRecord { seq: 3, ..a };
        rows[1].0.action = "grant_added".into();
        assert!(!verify(&rows, vec![]).breaks.is_empty());
    }

    #[test]
    fn a_rewritten_chain_is_found_by_its_checkpoint() {
        let rows = chain(5);
        let cp = Checkpoint {
            seq: 4,
            hash: rows[3].2.clone(),
        };
        // Rewritten consistently from entry 2 on: only the checkpoint knows.
        let mut prev = rows[0].2.clone();
        let mut forged = vec![rows[0].clone()];
        for (r, _, _) in &rows[1..] {
            let mut r = r.clone();
            r.actor_name = "改写者".into();
            let hash = r.hash(&prev);
            forged.push((r, prev.clone(), hash.clone()));
            prev = hash;
        }
        assert_eq!(verify(&forged, vec![]).breaks, vec![]);
        assert_eq!(
            verify(&forged, vec![cp.clone()]).breaks,
            vec![ChainBreak::CheckpointDiffers { seq: 4 }]
        );
        assert_eq!(
            verify(&rows[..3], vec![cp]).breaks,
            vec![ChainBreak::CheckpointMissing { seq: 4 }]
        );
    }

    #[test]
    fn checkpoints_parse_as_printed() {
        let text = format!("12:{}", "AB".repeat(32));
        assert_eq!(
            Checkpoint::parse(&text),
            Some(Checkpoint {
                seq: 12,
                hash: "ab".repeat(32)
            })
        );
        assert_eq!(Checkpoint::parse("12:xyz"), None);
        assert_eq!(Checkpoint::parse("twelve"), None);
    }

    #[test]
    fn codes_round_trip() {
        for a in AuditAction::ALL {
            let what = AuditWhat::Other(a);
            assert_eq!(AuditWhat::parse(&what.code()), Some(what));
        }
        for k in EventKind::ALL {
            let what = AuditWhat::Topic(k);
            assert_eq!(AuditWhat::parse(&what.code()), Some(what));
        }
        assert_eq!(AuditWhat::parse("topic.nonsense"), None);
    }
}
