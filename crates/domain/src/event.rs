use crate::labels::labelled;

labelled!(
    /// One kind of entry on a topic's public timeline.
    EventKind {
        Submitted => "submitted", "提交议题";
        Accepted => "accepted", "受理立项";
        Rejected => "rejected", "不予立项";
        Merged => "merged", "合并";
        MergedInto => "merged_into", "合并入本议题";
        Referred => "referred", "转办";
        ResearchAdded => "research_added", "商前调研";
        ResearchPlanned => "research_planned", "调研方案";
        AnalysisWritten => "analysis_written", "调研分析";
        Scheduled => "scheduled", "安排上会";
        OpinionRecorded => "opinion_recorded", "形成协商意见";
        Reviewed => "reviewed", "上会研究";
        TaskDispatched => "task_dispatched", "交办任务";
        TaskSigned => "task_signed", "部门签收";
        TaskReturned => "task_returned", "部门退回";
        TaskReassigned => "task_reassigned", "重新交办";
        ProgressPosted => "progress_posted", "进展反馈";
        ExtensionRequested => "extension_requested", "申请延期";
        ExtensionGranted => "extension_granted", "同意延期";
        ExtensionDenied => "extension_denied", "不同意延期";
        TaskDone => "task_done", "部门办结";
        TaskVerified => "task_verified", "核实通过";
        TaskSentBack => "task_sent_back", "退回重办";
        Completed => "completed", "办结";
        Rated => "rated", "群众评价";
        Reopened => "reopened", "重新办理";
        Resumed => "resumed", "恢复办理";
        MeetingNotified => "meeting_notified", "发出会议通知";
        MeetingStarted => "meeting_started", "会议开始";
        MeetingClosed => "meeting_closed", "会议结束";
        DeliberationOpened => "deliberation_opened", "开启线上议事";
        DeliberationAttached => "deliberation_attached", "协商意见参考";
        DeliberationClosed => "deliberation_closed", "线上议事结束";
        Upheld => "upheld", "维持办理结果";
        Reminded => "reminded", "催办";
        Carded => "carded", "亮牌督办";
        Ordered => "ordered", "下发督办单";
        OrderAnswered => "order_answered", "督办回复";
        OrderEscalated => "order_escalated", "督办逾期上报";
        FollowedUp => "followed_up", "跟踪问效";
        ShareSigned => "share_signed", "协办签收";
        ShareDone => "share_done", "协办完成";
        ClerkAssigned => "clerk_assigned", "指定承办人";
        CompletionSubmitted => "completion_submitted", "办结待负责人审核";
        CompletionDeclined => "completion_declined", "负责人审核退回";
        FollowUpFailed => "follow_up_failed", "回访无效，重新办理";
    }
);
