//! 督办单: a leader's formal supervision order on a task — what must be done
//! and by when. The department answers it; an order left unanswered past its
//! date is escalated once to the department's head and the leaders of the
//! region above the department.
use chrono::NaiveDate;

use crate::{Actor, DepartmentId, DomainError, RegionPath, TaskState};

/// A leader of the topic's region (or above) orders on a task still open,
/// with an answer date today or later.
pub fn issue_order(
    actor: &Actor,
    region: &RegionPath,
    task: TaskState,
    answer_by: NaiveDate,
    today: NaiveDate,
) -> Result<(), DomainError> {
    if !actor.leads(region) {
        return Err(DomainError::Forbidden);
    }
    if task == TaskState::Verified {
        return Err(DomainError::Precondition("任务已核实办结，无需督办".into()));
    }
    if answer_by < today {
        return Err(DomainError::Invalid {
            field: "answer_by",
            message: "答复期限不能早于今天".into(),
        });
    }
    Ok(())
}

/// The department the task belongs to answers, once.
pub fn answer_order(
    actor: &Actor,
    department: DepartmentId,
    answered: bool,
) -> Result<(), DomainError> {
    if !actor.is_staff_of(department) {
        return Err(DomainError::Forbidden);
    }
    if answered {
        return Err(DomainError::Precondition("该督办单已经答复".into()));
    }
    Ok(())
}

/// An order still unanswered after its date: escalated (once).
pub fn order_overdue(answer_by: NaiveDate, answered: bool, today: NaiveDate) -> bool {
    !answered && today > answer_by
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{DEPT, Who, actor_for, everyone, village};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    #[test]
    fn only_leaders_over_the_topic_order_and_only_the_department_answers() {
        for who in everyone() {
            let a = actor_for(who);
            let issued = issue_order(&a, &village(), TaskState::Signed, day(9), day(4));
            assert_eq!(
                issued.is_ok(),
                matches!(who, Who::Leader | Who::ParentLeader),
                "{who:?}"
            );
            let answered = answer_order(&a, DEPT, false);
            assert_eq!(
                answered.is_ok(),
                matches!(who, Who::Staff | Who::Head),
                "{who:?}"
            );
        }
    }

    #[test]
    fn an_order_needs_open_work_a_date_ahead_and_one_answer() {
        let leader = actor_for(Who::Leader);
        let verified = issue_order(&leader, &village(), TaskState::Verified, day(9), day(4));
        assert!(matches!(verified, Err(DomainError::Precondition(_))));
        let past = issue_order(&leader, &village(), TaskState::Assigned, day(3), day(4));
        assert!(matches!(past, Err(DomainError::Invalid { .. })));
        let twice = answer_order(&actor_for(Who::Staff), DEPT, true);
        assert!(matches!(twice, Err(DomainError::Precondition(_))));
        assert!(!order_overdue(day(9), false, day(9)));
        assert!(order_overdue(day(9), false, day(10)));
        assert!(!order_overdue(day(9), true, day(10)));
    }
}
