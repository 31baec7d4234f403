//! Officials' second factor: the authenticator key each may set up, the
//! recovery codes that stand in for a lost phone, the sessions that wait
//! for a code, and the region rule that requires it (`domain::second_factor`
//! holds the rules; this module keeps the rows and audits every change).
use domain::{AuditAction, AuditWhat, RegionId, RegionPath, TotpKey, UserId};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;

use crate::entity::{recovery_code, second_factor, session};
use crate::model::parsed;
use crate::{Result, Store, StoreError, Who, WriteTx};

/// Where a session stands on its way to being signed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionStage {
    /// Signed in.
    Full,
    /// The password was right; the second factor is still to come. Such a
    /// session opens nothing but the page that asks for the code.
    AwaitingCode,
    /// Signed in, but a region requires a second factor the official has
    /// not set up: nothing but setting it up until they do.
    AwaitingEnrolment,
}

impl SessionStage {
    pub(crate) fn code(self) -> &'static str {
        match self {
            SessionStage::Full => "",
            SessionStage::AwaitingCode => "code",
            SessionStage::AwaitingEnrolment => "enrolment",
        }
    }

    pub(crate) fn parse(code: &str) -> Result<SessionStage> {
        match code {
            "" => Ok(SessionStage::Full),
            "code" => Ok(SessionStage::AwaitingCode),
            "enrolment" => Ok(SessionStage::AwaitingEnrolment),
            other => Err(StoreError::Corrupt(format!("sessions.awaiting: {other}"))),
        }
    }
}

/// An official's second factor as kept.
#[derive(Clone, Debug)]
pub struct SecondFactor {
    /// The shared key.
    pub key: TotpKey,
    /// A first code from it was typed; until then it is only being set up.
    pub confirmed: bool,
    /// The time step of the last code accepted.
    pub last_step: Option<i64>,
    /// Recovery codes not yet used.
    pub recovery_left: u64,
}

/// How a second-factor check went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactorUse {
    /// A code from the app.
    AppCode,
    /// A recovery code, now used up; this many are left.
    RecoveryCode {
        /// Recovery codes still unused.
        left: u64,
    },
}

fn wrong(message: &str) -> domain::DomainError {
    domain::DomainError::Invalid {
        field: "code",
        message: message.to_owned(),
    }
}

fn target(id: UserId) -> String {
    format!("user:{}", id.0)
}

fn key_of(row: &second_factor::Model) -> Result<TotpKey> {
    parsed(
        &row.secret,
        |s| TotpKey::parse(s).ok(),
        "second_factors.secret",
    )
}

async fn factor_row(w: &WriteTx, id: UserId) -> Result<Option<second_factor::Model>> {
    Ok(second_factor::Entity::find_by_id(id.0).one(&w.tx).await?)
}

async fn replace_recovery_codes(w: &WriteTx, id: UserId, hashes: &[String]) -> Result<()> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(id.0))
        .exec(&w.tx)
        .await?;
    if hashes.is_empty() {
        return Ok(());
    }
    recovery_code::Entity::insert_many(hashes.iter().map(|h| recovery_code::ActiveModel {
        user_id: Set(id.0),
        code_hash: Set(h.clone()),
        used_at: Set(None),
        ..Default::default()
    }))
    .exec(&w.tx)
    .await?;
    Ok(())
}

/// Checks a typed code against a confirmed key inside `w`: an app code
/// moves the last accepted step on (one statement, so two sign-ins racing
/// with one code cannot both pass); a recovery code is used up.
async fn use_factor(w: &WriteTx, id: UserId, typed: &str) -> Result<FactorUse> {
    let row = factor_row(w, id)
        .await?
        .filter(|r| r.confirmed_at.is_some())
        .ok_or_else(|| domain::DomainError::Precondition("尚未开启动态验证码".into()))?;
    if domain::is_app_code(typed) {
        let key = key_of(&row)?;
        let step = key.accept(typed, w.now, row.last_step)?;
        let moved = second_factor::Entity::update_many()
            .col_expr(second_factor::Column::LastStep, Expr::value(step))
            .filter(second_factor::Column::UserId.eq(id.0))
            .filter(
                second_factor::Column::LastStep
                    .is_null()
                    .or(second_factor::Column::LastStep.lt(step)),
            )
            .exec(&w.tx)
            .await?
            .rows_affected;
        if moved == 0 {
            return Err(wrong("这个动态验证码已经用过，请等下一个").into());
        }
        return Ok(FactorUse::AppCode);
    }
    let code = domain::recovery_code(typed).ok_or_else(|| wrong("动态验证码或恢复码不正确"))?;
    let used = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(w.now))
        .filter(recovery_code::Column::UserId.eq(id.0))
        .filter(recovery_code::Column::CodeHash.eq(domain::recovery_code_hash(&code)))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(&w.tx)
        .await?
        .rows_affected;
    if used == 0 {
        return Err(wrong("恢复码不正确或已经用过").into());
    }
    let left = recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(id.0))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(&w.tx)
        .await?;
    // Before the sign-in completes the request has no one signed in: the
    // entry names the account whose code it was.
    let name = crate::entity::user::Entity::find_by_id(id.0)
        .one(&w.tx)
        .await?
        .map(|u| u.display_name)
        .unwrap_or_default();
    w.push_audit(crate::audit::PendingEntry {
        what: AuditWhat::Other(AuditAction::RecoveryCodeUsed),
        target: target(id),
        region: None,
        detail: json!({ "left": left }),
        actor: Some((Some(id), name)),
    });
    Ok(FactorUse::RecoveryCode { left })
}

impl Store {
    /// A person's second factor, set up or being set up.
    pub async fn second_factor(&self, id: UserId) -> Result<Option<SecondFactor>> {
        let Some(row) = second_factor::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
        else {
            return Ok(None);
        };
        let recovery_left = recovery_code::Entity::find()
            .filter(recovery_code::Column::UserId.eq(id.0))
            .filter(recovery_code::Column::UsedAt.is_null())
            .count(self.conn())
            .await?;
        Ok(Some(SecondFactor {
            key: key_of(&row)?,
            confirmed: row.confirmed_at.is_some(),
            last_step: row.last_step,
            recovery_left,
        }))
    }

    /// Starts setting up a key (replacing one not yet confirmed); refused
    /// while a confirmed one is in use.
    pub async fn start_second_factor(&self, id: UserId, key: &TotpKey) -> Result<()> {
        let w = self.write().await?;
        match factor_row(&w, id).await? {
            Some(r) if r.confirmed_at.is_some() => {
                return Err(domain::DomainError::Precondition("动态验证码已经开启".into()).into());
            }
            Some(_) => {
                second_factor::Entity::delete_by_id(id.0)
                    .exec(&w.tx)
                    .await?;
            }
            None => {}
        }
        second_factor::ActiveModel {
            user_id: Set(id.0),
            secret: Set(key.base32()),
            created_at: Set(w.now),
            confirmed_at: Set(None),
            last_step: Set(None),
        }
        .insert(&w.tx)
        .await?;
        w.commit().await
    }

    /// Confirms the key being set up with a first code from the app, and
    /// keeps the hashes of its recovery codes. Sessions that waited for the
    /// setup go on as signed in.
    pub async fn confirm_second_factor(
        &self,
        id: UserId,
        code: &str,
        recovery_hashes: &[String],
    ) -> Result<()> {
        let w = self.write().await?;
        let row = factor_row(&w, id)
            .await?
            .filter(|r| r.confirmed_at.is_none())
            .ok_or_else(|| domain::DomainError::Precondition("请先扫描二维码".into()))?;
        let key = key_of(&row)?;
        let step = key.accept(code, w.now, None)?;
        let mut am: second_factor::ActiveModel = row.into();
        am.confirmed_at = Set(Some(w.now));
        am.last_step = Set(Some(step));
        am.update(&w.tx).await?;
        replace_recovery_codes(&w, id, recovery_hashes).await?;
        session::Entity::update_many()
            .col_expr(
                session::Column::Awaiting,
                Expr::value(SessionStage::Full.code()),
            )
            .filter(session::Column::UserId.eq(id.0))
            .filter(session::Column::Awaiting.eq(SessionStage::AwaitingEnrolment.code()))
            .exec(&w.tx)
            .await?;
        w.audit(
            AuditWhat::Other(AuditAction::SecondFactorOn),
            target(id),
            None,
            json!({ "recovery_codes": recovery_hashes.len() }),
        );
        w.commit().await
    }

    /// Checks a code (from the app, or a recovery code) for a sign-in or a change.
    pub async fn check_second_factor(&self, id: UserId, typed: &str) -> Result<FactorUse> {
        let w = self.write().await?;
        let used = use_factor(&w, id, typed).await?;
        w.commit().await?;
        Ok(used)
    }

    /// New recovery codes, after a code from the app; the old ones stop working.
    pub async fn renew_recovery_codes(
        &self,
        id: UserId,
        code: &str,
        hashes: &[String],
    ) -> Result<()> {
        let w = self.write().await?;
        use_factor(&w, id, code).await?;
        replace_recovery_codes(&w, id, hashes).await?;
        w.audit(
            AuditWhat::Other(AuditAction::RecoveryCodesIssued),
            target(id),
            None,
            json!({ "recovery_codes": hashes.len() }),
        );
        w.commit().await
    }

    /// The owner turns their second factor off, with a code from it; refused
    /// while a region requires one of them.
    pub async fn turn_off_second_factor(&self, id: UserId, code: &str) -> Result<()> {
        domain::may_turn_off_second_factor(self.second_factor_required(id).await?)?;
        let w = self.write().await?;
        use_factor(&w, id, code).await?;
        remove_factor(&w, id).await?;
        w.audit(
            AuditWhat::Other(AuditAction::SecondFactorOff),
            target(id),
            None,
            json!({}),
        );
        w.commit().await
    }

    /// Whether a region rule requires this person to use a second factor.
    pub async fn second_factor_required(&self, id: UserId) -> Result<bool> {
        let official = self
            .actor(id)
            .await?
            .grants
            .iter()
            .any(|g| g.role != domain::Role::Resident);
        if !official {
            return Ok(false);
        }
        let places = self.places_of(id).await?;
        Ok(domain::second_factor_required(
            &self.second_factor_rules().await?,
            &places,
            official,
        ))
    }

    /// Each region's rule on the second factor.
    pub async fn second_factor_rules(&self) -> Result<Vec<(RegionPath, bool)>> {
        crate::rules::rule_settings(self.conn(), |r| r.second_factor).await
    }

    /// An administrator requires (or stops requiring) a second factor of the
    /// region's officials; it applies from each one's next sign-in.
    pub async fn set_second_factor_rule(
        &self,
        who: &Who,
        region: RegionId,
        on: bool,
    ) -> Result<()> {
        let path = self.region_path(region).await?;
        domain::may_administer(&who.actor, &path)?;
        crate::rules::save_rule(
            self,
            who,
            region,
            &path,
            |am| am.second_factor = Set(on),
            json!({ "second_factor": on }),
        )
        .await
    }

    /// Starts a session at a stage (see [`SessionStage`]), live for `ttl`.
    pub async fn create_session_at(
        &self,
        token_hash: String,
        user: UserId,
        ttl: chrono::Duration,
        stage: SessionStage,
    ) -> Result<()> {
        let w = self.write().await?;
        insert_session(&w, token_hash, user, ttl, stage).await?;
        w.commit().await
    }

    /// Replaces a session that waited for its second factor with a signed-in
    /// one under a new token (the waiting token opens nothing more).
    pub async fn complete_second_step(
        &self,
        waiting: &str,
        token_hash: String,
        ttl: chrono::Duration,
    ) -> Result<UserId> {
        let w = self.write().await?;
        let row = session::Entity::find_by_id(waiting.to_owned())
            .one(&w.tx)
            .await?
            .filter(|s| s.expires_at > w.now && s.awaiting == SessionStage::AwaitingCode.code())
            .ok_or(StoreError::NotFound("等待验证的登录"))?;
        session::Entity::delete_by_id(waiting.to_owned())
            .exec(&w.tx)
            .await?;
        let user = UserId(row.user_id);
        insert_session(&w, token_hash, user, ttl, SessionStage::Full).await?;
        w.commit().await?;
        Ok(user)
    }

    /// The person and stage of a live session.
    pub async fn session(&self, token_hash: &str) -> Result<Option<(UserId, SessionStage)>> {
        let Some(s) = session::Entity::find_by_id(token_hash.to_owned())
            .one(self.conn())
            .await?
            .filter(|s| s.expires_at > self.now())
        else {
            return Ok(None);
        };
        Ok(Some((UserId(s.user_id), SessionStage::parse(&s.awaiting)?)))
    }
}

async fn insert_session(
    w: &WriteTx,
    token_hash: String,
    user: UserId,
    ttl: chrono::Duration,
    stage: SessionStage,
) -> Result<()> {
    session::ActiveModel {
        token_hash: Set(token_hash),
        user_id: Set(user.0),
        created_at: Set(w.now),
        expires_at: Set(w.now + ttl),
        address: Set(w.origin.address.clone()),
        awaiting: Set(stage.code().to_owned()),
    }
    .insert(&w.tx)
    .await?;
    Ok(())
}

async fn remove_factor(w: &WriteTx, id: UserId) -> Result<()> {
    second_factor::Entity::delete_by_id(id.0)
        .exec(&w.tx)
        .await?;
    replace_recovery_codes(w, id, &[]).await
}

/// An administrator's reset for an official who lost their phone: the key
/// and recovery codes go, and the person is signed out everywhere.
pub(crate) async fn reset_factor(w: &WriteTx, id: UserId) -> Result<()> {
    remove_factor(w, id).await?;
    crate::admin::end_sessions(w, id).await?;
    w.audit(
        AuditWhat::Other(AuditAction::SecondFactorReset),
        target(id),
        None,
        json!({}),
    );
    Ok(())
}
