//! What a topic is about (its problem) and where (its place).
//!
//! Residents name one problem in many ways (路灯不亮, 晚上一片漆黑, 灯坏了),
//! and two topics at one place share its name's characters whatever their
//! problem. So the problem words are mapped to shared concepts that weigh
//! most, and the place is compared on its own: same problem at two places is
//! two topics.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::tokens::is_stop_char;

/// Problem concepts of a subdistrict's topics, each named and with the words
/// residents use for it (simplified, as after [`crate::fold`]); a topic may
/// hit several. Grow it from real topics: a problem word missing here still
/// counts through words and character pairs, only less.
#[rustfmt::skip]
const CONCEPTS: &[(&str, &[&str])] = &[
    ("井盖", &["井盖", "窨井", "井口", "井圈", "下水道盖"]),
    ("照明", &["路灯", "灯不亮", "不亮", "照明", "漆黑", "黑漆漆", "黑乎乎", "太黑", "很黑", "摸黑", "声控灯", "感应灯", "楼道灯", "灯坏", "没有灯", "盏灯", "几盏"]),
    ("停车", &["停车", "乱停", "违停", "车位", "停放", "停满", "停到", "车库"]),
    ("路面", &["坑洼", "坑坑洼洼", "泥泞", "土路", "硬化", "水泥路", "路面", "塌陷", "下沉", "拓宽", "太窄", "会车"]),
    ("垃圾", &["垃圾", "清运", "垃圾桶", "垃圾箱", "垃圾池", "垃圾房", "投放点", "分类亭"]),
    ("噪音", &["噪音", "噪声", "太吵", "吵得", "吵醒", "吵闹", "音响", "音箱", "喇叭", "声音大", "声音太大", "震天响", "轰隆", "睡不着"]),
    ("广场舞", &["广场舞", "跳舞"]),
    ("电梯", &["电梯", "爬楼", "困人", "被困", "关人"]),
    ("加装", &["加装", "装电梯"]),
    ("排水", &["下水道", "排水管", "管道", "堵塞", "返水", "反水", "冒水", "化粪池", "粪水", "清掏"]),
    ("积水", &["积水", "内涝", "进水", "淹", "蹚水", "排水泵"]),
    ("摊贩", &["摊贩", "摆摊", "小摊", "摊点", "摊子", "摊位", "小贩", "占道", "出店经营", "摆到", "摆在"]),
    ("拥堵", &["拥堵", "堵车", "堵成", "走不动", "疏导"]),
    ("车速", &["车速", "超速", "开得很快", "开得飞快", "飞驰", "减速"]),
    ("过街", &["斑马线", "人行横道", "过马路", "横穿", "红绿灯", "信号灯"]),
    ("接送", &["接送", "接孩子", "放学", "上学", "等孩子", "等候区"]),
    ("养老", &["养老", "日间照料", "助餐", "老年食堂", "老年活动", "活动室"]),
    ("独居", &["独居", "空巢", "孤寡"]),
    ("快递", &["快递", "包裹", "驿站", "丢件"]),
    ("充电", &["充电", "飞线", "电瓶", "插线板"]),
    ("堆物", &["堆物", "杂物", "堆放", "堆满", "堆着"]),
    ("消防", &["消防通道", "消防车道", "消防车"]),
    ("河道", &["河道", "河沟", "小河", "河里", "河上", "河面", "水草", "水葫芦", "水花生", "漂浮", "打捞", "黑臭", "清淤", "淤泥"]),
    ("移风易俗", &["大操大办", "红白喜事", "酒席", "彩礼", "人情", "攀比", "礼金", "移风易俗", "铺张"]),
    ("水压", &["水压", "没水", "停水", "出水", "接不到水"]),
    ("水质", &["浑浊", "发黄", "水质", "沉淀", "水垢"]),
    ("漏雨", &["漏雨", "漏水", "渗水", "防水", "滴水"]),
    ("油烟", &["油烟", "烧烤"]),
    ("扬尘", &["扬尘", "尘土", "渣土", "撒漏", "篷布"]),
    ("秸秆", &["秸秆", "麦秸", "焚烧"]),
    ("杂草", &["杂草", "野草", "草太高", "割草"]),
    ("树木", &["修剪", "树枝", "行道树", "树长"]),
    ("毁绿", &["种菜", "毁绿", "菜地", "草坪"]),
    ("宠物", &["遛狗", "牵绳", "拴绳", "大狗", "宠物"]),
    ("流浪猫", &["流浪猫", "野猫"]),
    ("健身", &["健身器材", "健身设施", "单杠", "漫步机"]),
    ("违建", &["违章搭建", "私搭乱建", "彩钢房", "铁皮房", "违建"]),
    ("高空抛物", &["高空抛物", "往下扔", "往下丢", "楼上扔", "楼上乱扔"]),
    ("门禁", &["门禁", "刷卡"]),
    ("厕所", &["厕所", "公厕"]),
    ("候车", &["候车亭", "站牌", "等车"]),
    ("人行道", &["人行道", "地砖", "道砖"]),
    ("护栏", &["护栏", "栏杆"]),
    ("电视信号", &["电视", "信号", "wifi", "网络"]),
    ("低保", &["低保"]),
    ("物业费", &["物业费"]),
    ("收费", &["收费", "保管费", "停车费", "月租"]),
    ("托管", &["留守", "托管", "看管"]),
    ("看病", &["卫生室", "医生", "看病", "拿药"]),
    ("施工", &["施工", "打桩", "工地"]),
    ("反光镜", &["凸面镜", "反光镜", "转角镜"]),
    ("小广告", &["小广告", "牛皮癣", "贴广告", "乱贴"]),
    ("卫生", &["卫生差", "脏乱", "保洁", "打扫", "苍蝇", "脏臭"]),
    ("被盗", &["被盗", "被偷", "偷走"]),
    ("危房", &["危房", "裂缝", "修缮", "墙裂"]),
    ("货车", &["货车", "卡车", "大车"]),
    ("食品", &["三无食品", "辣条", "炸串", "油炸", "小饭桌", "食品"]),
];

static MATCHER: LazyLock<Option<(AhoCorasick, Vec<u16>)>> = LazyLock::new(|| {
    let mut words = Vec::new();
    let mut ids = Vec::new();
    for (id, (_, forms)) in CONCEPTS.iter().enumerate() {
        for w in *forms {
            words.push(*w);
            ids.push(u16::try_from(id).unwrap_or(u16::MAX));
        }
    }
    AhoCorasick::new(&words).ok().map(|ac| (ac, ids))
});

/// Concept ids named in `folded` text, sorted, without repeats.
pub(crate) fn concepts(folded: &str) -> Vec<u16> {
    let Some((ac, ids)) = MATCHER.as_ref() else {
        return Vec::new();
    };
    let mut out: Vec<u16> = ac
        .find_overlapping_iter(folded)
        .map(|m| ids[m.pattern().as_usize()])
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Endings of place names, longest first where one ends another.
#[rustfmt::skip]
const PLACE_SUFFIXES: &[&str] = &[
    "农贸市场", "菜市场", "幼儿园", "社区", "小区", "花园", "家园", "华庭", "大道", "大街", "小学", "中学", "市场", "新村", "村",
    "路", "街", "巷", "苑",
];

/// Two characters that stand before a place suffix without naming a place
/// (老旧小区, 走到马路, 本村).
#[rustfmt::skip]
const NOT_PLACE_NAMES: &[&str] = &[
    "老旧", "整个", "这个", "那个", "我们", "附近", "周边", "隔壁", "门口", "农贸", "本村", "全村", "各个", "所在", "居住",
    "城市", "乡村", "农村", "其他", "别的", "一个", "新建",
];

/// Common words made of one character and a place suffix (马路, 农村, 逛街,
/// 本小区): seen right before the suffix, that character is not the end of a
/// name.
#[rustfmt::skip]
const SUFFIX_WORDS: &[&str] = &[
    "马路", "道路", "公路", "农路", "土路", "小路", "大路", "主路", "村路", "过路", "走路", "修路", "铺路", "出路", "泥路",
    "线路", "岔路", "半路", "一路", "让路", "上路", "条路", "段路", "去路", "来路", "通路", "山路", "老路", "回路", "堵路",
    "挡路", "绕路", "进路", "农村", "乡村", "本村", "全村", "该村", "各村", "邻村", "进村", "出村", "回村", "整村", "逛街",
    "沿街", "临街", "上街", "满街", "本小区", "该小区", "老小区", "新小区", "本社区", "该社区", "全社区", "各社区", "小花园",
    "大市场",
];

/// Characters that never end a two-character place name here because they
/// are themselves suffixes (河村路 is 新河村 + 路灯, not a road).
#[rustfmt::skip]
const SUFFIX_CHARS: &[char] = &[
    '村', '路', '街', '巷', '苑', '区', '道',
];

/// Where a topic is: the two characters before each place suffix (府前路 and
/// 府前社区 both give 府前), and numbered parts (3组, 6栋; 号楼 and 幢 count
/// as 栋). `spans` are the character ranges of the place names found.
#[derive(Debug, Default)]
pub(crate) struct Places {
    pub(crate) areas: Vec<[char; 2]>,
    pub(crate) units: Vec<(u32, char)>,
    pub(crate) spans: Vec<(usize, usize)>,
}

pub(crate) fn places(chars: &[char]) -> Places {
    let mut p = Places::default();
    let mut i = 0;
    while i < chars.len() {
        let Some(len) = suffix_at(chars, i) else {
            i += 1;
            continue;
        };
        let word: String = chars[i.saturating_sub(1)..i + len].iter().collect();
        let subdistrict = chars[i] == '街' && chars.get(i + 1) == Some(&'道');
        if i >= 2
            && is_name(chars[i - 2], chars[i - 1])
            && !SUFFIX_WORDS.contains(&word.as_str())
            && !subdistrict
        {
            p.areas.push([chars[i - 2], chars[i - 1]]);
            p.spans.push((i - 2, i + len));
        }
        i += len;
    }
    units(chars, &mut p);
    p.areas.sort_unstable();
    p.areas.dedup();
    p.units.sort_unstable();
    p.units.dedup();
    p
}

fn suffix_at(chars: &[char], i: usize) -> Option<usize> {
    PLACE_SUFFIXES.iter().find_map(|s| {
        let n = s.chars().count();
        let hit = chars.len() >= i + n && s.chars().zip(&chars[i..i + n]).all(|(a, b)| a == *b);
        hit.then_some(n)
    })
}

/// Two Han characters that can end a place name: no suffix character, no
/// function word (的路, 到马路) except 和, which names use (颐和苑).
fn is_name(a: char, b: char) -> bool {
    let han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let pair: String = [a, b].iter().collect();
    han(a)
        && han(b)
        && !SUFFIX_CHARS.contains(&a)
        && !SUFFIX_CHARS.contains(&b)
        && !(is_stop_char(a) && a != '和')
        && !(is_stop_char(b) && b != '和')
        && !NOT_PLACE_NAMES.contains(&pair.as_str())
}

/// Numbered parts: digits then 组, 栋, 幢, 号楼 or 单元.
fn units(chars: &[char], p: &mut Places) {
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let mut n: u32 = 0;
        while i < chars.len() && chars[i].is_ascii_digit() {
            n = n
                .saturating_mul(10)
                .saturating_add(chars[i].to_digit(10).unwrap_or(0));
            i += 1;
        }
        if i == start {
            i += 1;
            continue;
        }
        let next = |k: usize| chars.get(i + k).copied();
        let unit = match (next(0), next(1)) {
            (Some('组'), _) => Some('组'),
            (Some('栋' | '幢'), _) | (Some('号'), Some('楼')) => Some('栋'),
            (Some('单'), Some('元')) => Some('单'),
            _ => None,
        };
        if let Some(u) = unit {
            p.units.push((n, u));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn areas(s: &str) -> Vec<String> {
        let chars: Vec<char> = s.chars().collect();
        places(&chars)
            .areas
            .iter()
            .map(|a| a.iter().collect())
            .collect()
    }

    #[test]
    fn place_names_before_suffixes() {
        assert_eq!(areas("府前路井盖破损"), ["府前"]);
        assert_eq!(areas("新河村路灯不亮"), ["新河"]);
        assert_eq!(areas("东湖小区老旧小区加装电梯"), ["东湖"]);
        assert_eq!(areas("陈师菜市场门口路边摆摊堵路"), ["陈师"]);
        assert_eq!(areas("摊子摆到马路上"), Vec::<String>::new());
        assert_eq!(areas("陈师街道"), Vec::<String>::new());
        assert_eq!(areas("前进社区走进村里"), ["前进"]);
        assert_eq!(areas("颐和苑和南园社区"), ["南园", "颐和"]);
    }

    #[test]
    fn numbered_parts() {
        let chars: Vec<char> = "朱码村3组和6号楼12栋".chars().collect();
        assert_eq!(places(&chars).units, [(3, '组'), (6, '栋'), (12, '栋')]);
    }

    #[test]
    fn concepts_group_synonyms() {
        assert_eq!(concepts("路灯不亮"), concepts("晚上一片漆黑"));
        assert!(concepts("今天天气").is_empty());
    }
}
