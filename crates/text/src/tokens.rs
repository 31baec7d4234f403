//! Word segmentation with jieba.

use std::sync::LazyLock;

use jieba_rs::Jieba;

use crate::fold::fold;

/// jieba's default dictionary, loaded on first use (about 0.1 s in a
/// release build) and shared: the segmenter is read-only after loading.
static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Words that say nothing about which problem a topic is: function words,
/// politeness and the stock phrases of a complaint (希望尽快解决).
#[rustfmt::skip]
const STOP_WORDS: &[&str] = &[
    "的", "了", "着", "过", "是", "在", "和", "与", "及", "或", "有", "也", "都", "就", "还", "又", "很", "太",
    "更", "最", "挺", "真", "吗", "呢", "吧", "啊", "呀", "哦", "嘛", "被", "把", "让", "给", "对", "从", "到",
    "向", "往", "于", "为", "以", "等", "个", "这", "那", "我", "你", "他", "她", "它", "们", "我们", "你们", "他们",
    "大家", "这个", "那个", "这里", "那里", "这边", "那边", "一个", "一些", "有些", "好多", "很多", "非常", "特别", "比较",
    "一直", "经常", "总是", "已经", "还是", "但是", "因为", "所以", "如果", "而且", "或者", "并且", "然后", "希望", "请",
    "请求", "建议", "要求", "能否", "能不能", "可以", "能", "尽快", "赶紧", "解决", "处理", "问题", "情况", "现象", "反映",
    "严重", "存在", "出现", "居民", "群众", "村民", "住户", "相关", "部门", "有关", "单位", "领导", "麻烦", "谢谢", "感谢",
    "一下", "一点", "什么", "怎么", "为什么", "不", "没", "没有", "现在", "最近", "每天", "天天", "时候", "地方", "附近",
    "周边", "里", "上", "下", "中", "内", "外", "边", "旁", "之", "其", "得", "地", "说", "要", "会", "想", "去",
    "来", "多", "少", "些", "点", "次", "才", "只", "再", "所", "如", "而", "则", "却",
];

/// Segmented, folded tokens (jieba-rs, search mode so that 垃圾清运 also
/// yields 垃圾 and 清运), stop words and punctuation removed.
pub fn tokens(s: &str) -> Vec<String> {
    segment(&fold(s), |w, _, _| w.to_owned())
}

/// Segment folded text; `each` gets every kept word with its character range.
pub(crate) fn segment<T>(folded: &str, mut each: impl FnMut(&str, usize, usize) -> T) -> Vec<T> {
    JIEBA
        .cut_for_search(folded, true)
        .into_iter()
        .filter(|t| !t.word.trim().is_empty() && !STOP_WORDS.contains(&t.word.trim()))
        .map(|t| each(t.word.trim(), t.start, t.end))
        .collect()
}

/// Characters too common to make a character pair informative.
pub(crate) fn is_stop_char(c: char) -> bool {
    matches!(
        c,
        '的' | '了'
            | '着'
            | '是'
            | '在'
            | '和'
            | '有'
            | '也'
            | '都'
            | '就'
            | '还'
            | '很'
            | '太'
            | '吗'
            | '呢'
            | '吧'
            | '啊'
            | '被'
            | '把'
            | '给'
            | '我'
            | '你'
            | '他'
            | '这'
            | '那'
            | '个'
            | '们'
            | '得'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_folds_and_drops_stop_words() {
        let t = tokens("府前路井蓋破損，希望盡快處理！");
        assert!(t.contains(&"井盖".to_owned()), "{t:?}");
        assert!(t.contains(&"破损".to_owned()), "{t:?}");
        assert!(
            !t.iter().any(|w| w == "希望" || w == "尽快" || w == "处理"),
            "{t:?}"
        );
        assert!(
            !t.iter().any(|w| w.chars().any(|c| !c.is_alphanumeric())),
            "{t:?}"
        );
    }

    #[test]
    fn search_mode_yields_sub_words() {
        let t = tokens("垃圾清运不及时");
        assert!(t.contains(&"垃圾".to_owned()), "{t:?}");
    }

    #[test]
    fn mixed_ascii_and_empty() {
        assert!(tokens("").is_empty());
        assert!(tokens("，。！ 😀").is_empty());
        let t = tokens("小区WiFi信号差");
        assert!(t.contains(&"wifi".to_owned()), "{t:?}");
    }
}
