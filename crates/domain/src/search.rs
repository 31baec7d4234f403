//! What the search finds.
use crate::labels::labelled;

labelled!(
    /// A kind of public text the search finds.
    SearchKind {
        Topic => "topic", "议题";
        Opinion => "opinion", "协商意见";
        Research => "research", "调研记录";
        Minutes => "minutes", "会议纪要";
    }
);
