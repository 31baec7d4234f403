//! Sessions, one-time codes and login lockout. Hashing happens in the caller;
//! this module only keeps hashes and counters.
use chrono::{DateTime, Duration, Utc};
use domain::{AuditAction, AuditWhat, UserId};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::audit::PendingEntry;
use crate::entity::{otp_code, session, setting, user};
use crate::{Result, Store, StoreError};
use rand::RngCore;

/// Failed password attempts, from any address, an account checks freely.
/// Guessing from one address is throttled long before (per address and per
/// account and address, in the web layer), so this only slows a guess
/// spread over many addresses.
pub const MAX_FAILED_LOGINS: i32 = 50;
/// Past [`MAX_FAILED_LOGINS`], each check is followed by a pause that grows
/// (2, 4, 8 … seconds) up to this: guesses slow to one a minute while the
/// owner, never locked out, waits a minute at most.
pub const MAX_PAUSE_SECONDS: i64 = 60;
/// Wrong guesses allowed against one code before it is void.
pub const MAX_OTP_ATTEMPTS: i32 = 5;

/// One live session, as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionInfo {
    /// The session the list was asked from.
    pub this_one: bool,
    /// When it began.
    pub started: DateTime<Utc>,
    /// When it ends unless used to sign out.
    pub until: DateTime<Utc>,
    /// The address it began from.
    pub address: String,
}

/// The answer to checking a one-time code (验证码).
pub enum OtpCheck {
    /// The right code; it is now used up.
    Valid,
    /// A wrong code; it counts against the attempts a code allows.
    Wrong,
    /// No live code: none sent, expired, used, or too many wrong guesses.
    Expired,
}

impl Store {
    /// Counts an attempt *before* its password is checked, in one statement
    /// (so parallel guesses cannot all read the same old count), and says
    /// whether it may be checked: not during a pause. A right password then
    /// clears the count ([`Store::record_login_success`]); past
    /// [`MAX_FAILED_LOGINS`] each check starts a longer pause, up to
    /// [`MAX_PAUSE_SECONDS`], instead of locking the account for everyone.
    pub async fn count_login_attempt(&self, id: UserId) -> Result<bool> {
        let w = self.write().await?;
        let rows = user::Entity::update_many()
            .col_expr(
                user::Column::FailedLogins,
                Expr::col(user::Column::FailedLogins).add(1),
            )
            .filter(user::Column::Id.eq(id.0))
            .exec_with_returning(&w.tx)
            .await?;
        let Some(u) = rows.into_iter().next() else {
            return Err(StoreError::NotFound("用户"));
        };
        let paused = u.locked_until.is_some_and(|t| t > w.now);
        if !paused && u.failed_logins > MAX_FAILED_LOGINS {
            let past = u.failed_logins - MAX_FAILED_LOGINS;
            let pause = Ord::min(
                2i64.saturating_pow(past.clamp(1, 30).unsigned_abs()),
                MAX_PAUSE_SECONDS,
            );
            user::Entity::update_many()
                .col_expr(
                    user::Column::LockedUntil,
                    Expr::value(Some(w.now + Duration::seconds(pause))),
                )
                .filter(user::Column::Id.eq(id.0))
                .exec(&w.tx)
                .await?;
        }
        let may_check = !paused;
        w.commit().await?;
        Ok(may_check)
    }

    /// Clears the failure count and any lock after a right password (or
    /// code), and records the sign-in in the audit log.
    pub async fn record_login_success(&self, id: UserId) -> Result<()> {
        let w = self.write().await?;
        let rows = user::Entity::update_many()
            .col_expr(user::Column::FailedLogins, Expr::value(0))
            .col_expr(
                user::Column::LockedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(user::Column::Id.eq(id.0))
            .exec_with_returning(&w.tx)
            .await?;
        let name = rows.into_iter().next().map(|u| u.display_name);
        w.push_audit(PendingEntry {
            what: AuditWhat::Other(AuditAction::SignIn),
            target: format!("user:{}", id.0),
            region: None,
            detail: serde_json::json!({}),
            actor: Some((Some(id), name.unwrap_or_default())),
        });
        w.commit().await
    }

    /// Records a refused sign-in: the account when the name was known, else
    /// the name typed (cut short), and why, in the audit log.
    pub async fn record_login_failure(
        &self,
        account: Option<UserId>,
        typed: &str,
        why: &str,
    ) -> Result<()> {
        let target = match account {
            Some(id) => format!("user:{}", id.0),
            // As typed, but without control characters (PostgreSQL stores no NUL).
            None => format!(
                "username:{}",
                typed
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(40)
                    .collect::<String>()
            ),
        };
        let w = self.write().await?;
        // Made as that account, so it is read with that account's entries.
        let actor = match account {
            Some(id) => user::Entity::find_by_id(id.0)
                .one(&w.tx)
                .await?
                .map(|u| (Some(id), u.display_name)),
            None => None,
        };
        w.push_audit(PendingEntry {
            what: AuditWhat::Other(AuditAction::SignInFailed),
            target,
            region: None,
            detail: serde_json::json!({ "why": why }),
            actor,
        });
        w.commit().await
    }

    /// Sets a new password the owner chose (hashing is the caller's job):
    /// a reset's demand for a new one is met, the count of failed attempts
    /// (the current password was just checked) cleared, and the change audited.
    pub async fn set_password_hash(&self, id: UserId, hash: String) -> Result<()> {
        let w = self.write().await?;
        user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, Expr::value(hash))
            .col_expr(user::Column::MustChangePassword, Expr::value(false))
            .col_expr(user::Column::FailedLogins, Expr::value(0))
            .filter(user::Column::Id.eq(id.0))
            .exec(&w.tx)
            .await?;
        w.audit(
            AuditWhat::Other(AuditAction::PasswordChanged),
            format!("user:{}", id.0),
            None,
            serde_json::json!({}),
        );
        w.commit().await
    }

    /// Stores a signed-in session under the hash of its token, live for `ttl`.
    pub async fn create_session(
        &self,
        token_hash: String,
        user: UserId,
        ttl: Duration,
    ) -> Result<()> {
        self.create_session_at(token_hash, user, ttl, crate::SessionStage::Full)
            .await
    }

    /// A person's live sessions, newest first: when each began, from where,
    /// until when, and whether it is the one asking (`current`, a token hash).
    pub async fn sessions_of(&self, user: UserId, current: &str) -> Result<Vec<SessionInfo>> {
        let rows = session::Entity::find()
            .filter(session::Column::UserId.eq(user.0))
            .filter(session::Column::ExpiresAt.gt(self.now()))
            .order_by_desc(session::Column::CreatedAt)
            .all(self.conn())
            .await?;
        Ok(rows
            .into_iter()
            .map(|s| SessionInfo {
                this_one: s.token_hash == current,
                started: s.created_at,
                until: s.expires_at,
                address: s.address,
            })
            .collect())
    }

    /// Ends every session of a person but the one asking (`current`);
    /// returns how many ended.
    pub async fn end_other_sessions(&self, user: UserId, current: &str) -> Result<u64> {
        let w = self.write().await?;
        let gone = session::Entity::delete_many()
            .filter(session::Column::UserId.eq(user.0))
            .filter(session::Column::TokenHash.ne(current))
            .exec(&w.tx)
            .await?
            .rows_affected;
        if gone > 0 {
            w.audit(
                AuditWhat::Other(AuditAction::SignOut),
                format!("user:{}", user.0),
                None,
                serde_json::json!({ "other_sessions": gone }),
            );
        }
        w.commit().await?;
        Ok(gone)
    }

    /// The user of a live, signed-in session, or None when unknown,
    /// expired or still waiting for a second factor.
    pub async fn session_user(&self, token_hash: &str) -> Result<Option<UserId>> {
        Ok(self
            .session(token_hash)
            .await?
            .filter(|(_, stage)| *stage == crate::SessionStage::Full)
            .map(|(u, _)| u))
    }

    /// Ends a session (signing out); an unknown token is not an error.
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        let w = self.write().await?;
        let ended = session::Entity::delete_many()
            .filter(session::Column::TokenHash.eq(token_hash))
            .exec_with_returning(&w.tx)
            .await?;
        for s in ended {
            w.audit(
                AuditWhat::Other(AuditAction::SignOut),
                format!("user:{}", s.user_id),
                None,
                serde_json::json!({}),
            );
        }
        w.commit().await
    }

    /// Stores a new code's hash for a phone, live for `ttl`; older codes for it stop working.
    /// Keeps a sign-in code's hash and queues its text in the same write;
    /// returns the text's place in the outbox, to send it at once.
    pub async fn store_otp(
        &self,
        phone: &domain::PhoneNumber,
        code_hash: String,
        ttl: Duration,
        text: &domain::SmsText,
    ) -> Result<crate::OutboxId> {
        let w = self.write().await?;
        // A new code voids the older ones, so only the latest SMS works.
        otp_code::Entity::update_many()
            .col_expr(otp_code::Column::Used, Expr::value(true))
            .filter(otp_code::Column::Phone.eq(phone.as_str()))
            .exec(&w.tx)
            .await?;
        otp_code::ActiveModel {
            phone: Set(phone.as_str().to_owned()),
            code_hash: Set(code_hash),
            attempts: Set(0),
            used: Set(false),
            created_at: Set(self.now()),
            expires_at: Set(self.now() + ttl),
            ..Default::default()
        }
        .insert(&w.tx)
        .await?;
        let sms = crate::outbox::Outgoing::sms(phone.as_str(), text)?;
        let id = crate::outbox::enqueue(&w, vec![sms]).await?.pop();
        w.commit().await?;
        id.ok_or(StoreError::NotFound("待发消息"))
    }

    /// How many codes were sent to this phone since `since` (for rate limits).
    pub async fn otp_sent_since(
        &self,
        phone: &domain::PhoneNumber,
        since: DateTime<Utc>,
    ) -> Result<u64> {
        use sea_orm::PaginatorTrait;
        Ok(otp_code::Entity::find()
            .filter(otp_code::Column::Phone.eq(phone.as_str()))
            .filter(otp_code::Column::CreatedAt.gt(since))
            .count(self.conn())
            .await?)
    }

    /// Checks a code against the latest live one. The attempt is counted
    /// first, in one statement that also checks the limit, so parallel
    /// guesses cannot check more codes than allowed; a right code is then
    /// used up once, whoever else holds it.
    pub async fn check_otp(
        &self,
        phone: &domain::PhoneNumber,
        code_hash: &str,
    ) -> Result<OtpCheck> {
        let w = self.write().await?;
        let latest = otp_code::Entity::find()
            .filter(otp_code::Column::Phone.eq(phone.as_str()))
            .filter(otp_code::Column::Used.eq(false))
            .order_by_desc(otp_code::Column::Id)
            .one(&w.tx)
            .await?;
        let Some(latest) = latest else {
            return Ok(OtpCheck::Expired);
        };
        let live = || {
            otp_code::Entity::update_many()
                .filter(otp_code::Column::Id.eq(latest.id))
                .filter(otp_code::Column::Used.eq(false))
        };
        let counted = live()
            .col_expr(
                otp_code::Column::Attempts,
                Expr::col(otp_code::Column::Attempts).add(1),
            )
            .filter(otp_code::Column::ExpiresAt.gt(w.now))
            .filter(otp_code::Column::Attempts.lt(MAX_OTP_ATTEMPTS))
            .exec_with_returning(&w.tx)
            .await?;
        let Some(code) = counted.into_iter().next() else {
            w.commit().await?;
            return Ok(OtpCheck::Expired);
        };
        let check = if code.code_hash != code_hash {
            OtpCheck::Wrong
        } else if live()
            .col_expr(otp_code::Column::Used, Expr::value(true))
            .exec(&w.tx)
            .await?
            .rows_affected
            == 1
        {
            OtpCheck::Valid
        } else {
            OtpCheck::Expired
        };
        w.commit().await?;
        Ok(check)
    }

    /// Deletes expired sessions and codes; run by the worker.
    pub async fn purge_expired(&self) -> Result<u64> {
        let w = self.write().await?;
        let s = session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lt(self.now()))
            .exec(&w.tx)
            .await?;
        let o = otp_code::Entity::delete_many()
            .filter(otp_code::Column::ExpiresAt.lt(self.now() - Duration::days(1)))
            .exec(&w.tx)
            .await?;
        w.commit().await?;
        Ok(s.rows_affected + o.rows_affected)
    }

    /// A secret shared by every app node on this database (for example the
    /// key that signs device cookies): made at random on first use, then
    /// read back, so nodes starting together agree on one value.
    pub async fn secret(&self, name: &str) -> Result<String> {
        use sea_orm::sea_query::OnConflict;
        if let Some(s) = setting::Entity::find_by_id(name.to_owned())
            .one(self.conn())
            .await?
        {
            return Ok(s.value);
        }
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let value: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        setting::Entity::insert(setting::ActiveModel {
            key: Set(name.to_owned()),
            value: Set(value),
        })
        .on_conflict(
            OnConflict::column(setting::Column::Key)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(self.conn())
        .await?;
        setting::Entity::find_by_id(name.to_owned())
            .one(self.conn())
            .await?
            .map(|s| s.value)
            .ok_or(StoreError::NotFound("设置"))
    }
}
