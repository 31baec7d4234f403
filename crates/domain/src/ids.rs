//! Typed ids, so a room id can never be passed where a department id is meant.
use serde::{Deserialize, Serialize};

macro_rules! id {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    )*};
}

id!(
    /// A node of the region tree.
    RegionId,
    /// A deliberation room (议事室).
    RoomId,
    /// A functional department (职能部门).
    DepartmentId,
    /// A person with an account.
    UserId,
    /// A topic (议题).
    TopicId,
    /// A deliberation meeting (协商议事会).
    MeetingId,
    /// A department task (工单).
    TaskId,
    /// A topic's online deliberation (线上议事).
    DeliberationId,
    /// A statement in an online deliberation (its row, not its Pol.is tid).
    StatementId,
    /// A consultation opinion (协商意见) formed at a meeting.
    OpinionId,
    /// A leadership meeting (上会研究) that rules on opinions.
    ReviewSessionId,
    /// A leader's formal supervision order on a task (督办单).
    OrderId,
    /// One line of someone's inbox (我的消息).
    NotificationId,
    /// A 工作台账 made in the background (导出).
    ExportId,
);
