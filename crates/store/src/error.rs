use domain::DomainError;
use sea_orm::{DbErr, SqlErr};

/// What can go wrong below the web layer; mapped to HTTP once, in `web::error`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The domain refused the move (forbidden, wrong state, bad value).
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// No such record; names what was looked for, in Chinese.
    #[error("{0}不存在")]
    NotFound(&'static str),
    /// A uniqueness rule was hit, e.g. a second grant of the same role.
    #[error("{0}")]
    Conflict(String),
    /// Any other database failure.
    #[error("database error: {0}")]
    Db(DbErr),
    /// A stored value the domain cannot read (an unknown state code, say):
    /// the row is damaged or from a newer version; never guessed around.
    #[error("stored value cannot be read: {0}")]
    Corrupt(String),
}

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> Self {
        match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Conflict("记录已存在".into()),
            _ => StoreError::Db(e),
        }
    }
}

impl From<sea_orm::TransactionError<StoreError>> for StoreError {
    fn from(e: sea_orm::TransactionError<StoreError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(s) => s,
        }
    }
}
