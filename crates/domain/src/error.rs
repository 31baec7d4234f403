/// Why the domain refused something. Messages are for people, in Chinese.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum DomainError {
    /// A value that does not make sense, e.g. a title that is too short.
    #[error("{message}")]
    Invalid {
        /// The form field at fault, so the page can point at it.
        field: &'static str,
        /// What is wrong, in Chinese, for the person who typed it.
        message: String,
    },
    /// The actor may not take this action here.
    #[error("无权进行此操作")]
    Forbidden,
    /// The action does not fit the current state.
    #[error("当前状态（{from}）不能进行此操作：{action}")]
    WrongState {
        /// The current state's Chinese label.
        from: &'static str,
        /// The refused move's Chinese name.
        action: &'static str,
    },
    /// A role given with the wrong kind of scope.
    #[error("角色与范围不匹配")]
    InvalidGrant,
    /// A rule of the chain is not yet met.
    #[error("{0}")]
    Precondition(String),
}

impl DomainError {
    /// The message to show people, in Chinese.
    pub fn message_zh(&self) -> String {
        self.to_string()
    }

    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        DomainError::Invalid {
            field,
            message: message.into(),
        }
    }
}
