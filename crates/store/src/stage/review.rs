//! 上会研究 (leadership review): the decision on a deliberated topic and the
//! leadership's 批示, written onto each of its consultation opinions.
use domain::{Decision, EventDetail, Instructions};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::entity::{opinion, topic};
use crate::{Result, TopicRow, WriteTx};

pub(crate) async fn review(
    w: &WriteTx,
    row: &TopicRow,
    am: &mut topic::ActiveModel,
    decision: Decision,
    instructions: &Instructions,
) -> Result<EventDetail> {
    am.decision = Set(Some(decision.code().to_owned()));
    opinion::Entity::update_many()
        .col_expr(opinion::Column::Decision, Expr::value(decision.code()))
        .col_expr(
            opinion::Column::Instructions,
            Expr::value(instructions.as_str()),
        )
        .filter(opinion::Column::TopicId.eq(row.id))
        .filter(opinion::Column::Decision.is_null())
        .exec(&w.tx)
        .await?;
    Ok(EventDetail::Reviewed {
        decision,
        instructions: instructions.to_string(),
    })
}
