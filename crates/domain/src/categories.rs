//! The categories topics are filed under (交通出行, 移风易俗 …). A region's
//! administrator may set its own list; a room files under the list of the
//! nearest region above it that set one, else [`CATEGORIES`]. 其他 always
//! closes the list, so a resident who picks nothing still files somewhere.
use crate::{DomainError, RegionPath, has_hidden_chars};

/// The categories when no region set its own.
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
    OTHER,
];

/// Where anything not on a list is filed.
pub const OTHER: &str = "其他";
/// Categories a region may name (其他 included).
pub const MAX_CATEGORIES: usize = 30;

/// The default list, as owned names.
pub fn default_categories() -> Vec<String> {
    CATEGORIES.iter().map(|c| (*c).to_owned()).collect()
}

/// The list a room in `region` files under: the one set by the nearest
/// region covering it, else the default.
pub fn categories_for(settings: &[(RegionPath, Vec<String>)], region: &RegionPath) -> Vec<String> {
    settings
        .iter()
        .filter(|(r, _)| r.covers(region))
        .max_by_key(|(r, _)| r.0.len())
        .map(|(_, list)| list.clone())
        .unwrap_or_else(default_categories)
}

/// The category a submission is filed under: one of `list`, or 其他 for
/// anything else; text that hides characters or runs past 20 characters
/// is refused like any other field.
pub fn category_in(raw: &str, list: &[String]) -> Result<String, DomainError> {
    let raw = raw.trim();
    if raw.chars().count() > 20 {
        return Err(DomainError::invalid("category", "类别不能超过20字"));
    }
    if has_hidden_chars(raw, false) {
        return Err(DomainError::invalid("category", "类别含有不允许的字符"));
    }
    Ok(list
        .iter()
        .find(|c| c.as_str() == raw)
        .cloned()
        .unwrap_or_else(|| OTHER.to_owned()))
}

/// A region's list as an administrator typed it, one per line (or split by
/// 、，, ;): each 2 to 10 characters, none twice, at most
/// [`MAX_CATEGORIES`]; 其他 is moved to the end (added when missing).
pub fn category_list(typed: &str) -> Result<Vec<String>, DomainError> {
    let bad = |m: String| DomainError::invalid("categories", m);
    let mut list: Vec<String> = Vec::new();
    for name in typed
        .split(['\n', '\r', '、', '，', ',', ';', '；'])
        .map(str::trim)
        .filter(|n| !n.is_empty() && *n != OTHER)
    {
        let n = name.chars().count();
        if !(2..=10).contains(&n) {
            return Err(bad(format!("类别「{name}」应为2至10个字")));
        }
        if has_hidden_chars(name, false) {
            return Err(bad(format!("类别「{name}」含有不允许的字符")));
        }
        if list.iter().any(|c| c == name) {
            return Err(bad(format!("类别「{name}」重复了")));
        }
        list.push(name.to_owned());
    }
    if list.is_empty() {
        return Err(bad("请至少填写一个类别".into()));
    }
    list.push(OTHER.to_owned());
    if list.len() > MAX_CATEGORIES {
        return Err(bad(format!("类别最多{MAX_CATEGORIES}个（含“其他”）")));
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RegionId;

    fn path(ids: &[i64]) -> RegionPath {
        RegionPath(ids.iter().map(|i| RegionId(*i)).collect())
    }

    #[test]
    fn the_nearest_region_with_a_list_decides() {
        let county = vec!["农路改造".to_owned(), OTHER.to_owned()];
        let village = vec!["停车秩序".to_owned(), OTHER.to_owned()];
        let settings = [
            (path(&[1]), county.clone()),
            (path(&[1, 2, 3]), village.clone()),
        ];
        assert_eq!(categories_for(&settings, &path(&[1, 2])), county);
        assert_eq!(categories_for(&settings, &path(&[1, 2, 3])), village);
        assert_eq!(categories_for(&settings, &path(&[9])), default_categories());
    }

    #[test]
    fn anything_off_the_list_is_filed_as_other() {
        let list = default_categories();
        assert_eq!(category_in(" 移风易俗 ", &list).unwrap(), "移风易俗");
        assert_eq!(category_in("随便写的", &list).unwrap(), "其他");
        assert_eq!(category_in("", &list).unwrap(), "其他");
        assert!(category_in("路灯\u{200b}", &list).is_err());
        assert!(category_in(&"类".repeat(21), &list).is_err());
        let own = vec!["停车秩序".to_owned(), OTHER.to_owned()];
        assert_eq!(category_in("交通出行", &own).unwrap(), "其他");
    }

    #[test]
    fn a_typed_list_is_checked_and_closed_with_other() {
        assert_eq!(
            category_list("农路改造\n其他\n 停车秩序、井盖修缮").unwrap(),
            ["农路改造", "停车秩序", "井盖修缮", "其他"]
        );
        assert!(category_list("路").is_err());
        assert!(category_list("农路改造\n农路改造").is_err());
        assert!(category_list("其他").is_err());
        let many: Vec<String> = (0..30).map(|i| format!("类别{i:02}")).collect();
        assert!(category_list(&many.join("\n")).is_err());
    }
}
