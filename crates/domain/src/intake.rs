//! 码上议 intake: what a submission's category may be, and who sees the
//! name of a resident who asked to stay anonymous.
use crate::{Actor, DomainError, RoomId, has_hidden_chars};

/// The categories a topic is filed under; anything else is filed as 其他.
pub const CATEGORIES: [&str; 11] = [
    "交通出行",
    "市容环境",
    "公共设施",
    "社会治理",
    "民生服务",
    "农业农村",
    "移风易俗",
    "生态环保",
    "安全生产",
    "教育卫生",
    "其他",
];

/// How the public names someone who asked not to be named, or who has no account.
pub const ANONYMOUS: &str = "匿名群众";

/// The category a submission is filed under: one of [`CATEGORIES`], or
/// 其他 for anything else; text that hides characters or runs past 20
/// characters is refused like any other field.
pub fn category(raw: &str) -> Result<&'static str, DomainError> {
    let raw = raw.trim();
    if raw.chars().count() > 20 {
        return Err(DomainError::invalid("category", "类别不能超过20字"));
    }
    if has_hidden_chars(raw, false) {
        return Err(DomainError::invalid("category", "类别含有不允许的字符"));
    }
    Ok(CATEGORIES
        .iter()
        .find(|c| **c == raw)
        .copied()
        .unwrap_or("其他"))
}

/// The submitter's name as this viewer may see it: an anonymous topic's
/// submitter is named only to its room's convener, who may need to call back.
pub fn shown_submitter<'a>(
    anonymous: bool,
    name: &'a str,
    room: RoomId,
    viewer: &Actor,
) -> &'a str {
    if anonymous && !viewer.is_convener_of(room) {
        ANONYMOUS
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{ROOM, Who, actor_for, everyone};

    #[test]
    fn unknown_categories_are_filed_as_other() {
        assert_eq!(category(" 移风易俗 "), Ok("移风易俗"));
        assert_eq!(category("随便写的"), Ok("其他"));
        assert_eq!(category(""), Ok("其他"));
        assert!(category("路灯\u{200b}").is_err());
        assert!(category(&"类".repeat(21)).is_err());
    }

    #[test]
    fn only_the_rooms_convener_sees_an_anonymous_name() {
        for who in everyone() {
            let shown = shown_submitter(true, "张桂兰", ROOM, &actor_for(who));
            let expected = if who == Who::Convener {
                "张桂兰"
            } else {
                ANONYMOUS
            };
            assert_eq!(shown, expected, "{who:?}");
            assert_eq!(
                shown_submitter(false, "张桂兰", ROOM, &actor_for(who)),
                "张桂兰"
            );
        }
    }
}
