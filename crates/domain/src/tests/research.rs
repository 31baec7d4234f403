//! 商前调研: what counts as complete research, and the scheduling rule it guards.
use super::ctx;
use crate::testkit::{ROOM, Who, actor_for};
use crate::*;

fn schedule() -> TopicCommand {
    TopicCommand::Schedule {
        meeting: MeetingRef {
            id: MeetingId(1),
            room: ROOM,
            state: MeetingState::Planned,
        },
    }
}

/// Every combination of records (0, 1, 3) and filled sections (each of 16
/// subsets): scheduling succeeds exactly when there is a record and no
/// section is missing, and the refusal names every gap.
#[test]
fn research_is_complete_only_with_a_record_and_every_section() {
    for records in [0, 1, 3] {
        for mask in 0u8..16 {
            let missing: Vec<AnalysisSection> = AnalysisSection::ALL
                .into_iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) == 0)
                .map(|(_, s)| s)
                .collect();
            let mut c = ctx(TopicState::Researching, Submitter::Nobody);
            c.research = ResearchProgress {
                records,
                missing: missing.clone(),
            };
            let got = decide(&c, &actor_for(Who::Convener), &schedule());
            let complete = records > 0 && missing.is_empty();
            assert_eq!(c.research.is_complete(), complete);
            assert_eq!(
                allowed(&c, &actor_for(Who::Convener)).contains(&TopicMove::Schedule),
                complete
            );
            match got {
                Ok(t) => {
                    assert!(complete, "{records} {mask}");
                    assert_eq!(t.to, TopicState::Scheduled);
                }
                Err(DomainError::Precondition(m)) => {
                    assert!(!complete);
                    let listed = m.split("尚缺").nth(1).unwrap_or("");
                    let listed: Vec<&str> = listed
                        .trim_end_matches("，不能安排上会")
                        .split('、')
                        .collect();
                    assert_eq!(listed.contains(&"调研记录"), records == 0, "{m}");
                    for s in AnalysisSection::ALL {
                        assert_eq!(listed.contains(&s.label_zh()), missing.contains(&s), "{m}");
                    }
                }
                Err(e) => panic!("{e:?}"),
            }
        }
    }
}

#[test]
fn an_analysis_knows_its_empty_sections() {
    let a = Analysis::parse("可行", "  ", "有风险", "").unwrap();
    assert_eq!(
        a.missing(),
        vec![AnalysisSection::Measures, AnalysisSection::Recommendation]
    );
    assert!(
        Analysis::parse("可行", "措施", "风险", "建议")
            .unwrap()
            .missing()
            .is_empty()
    );
    assert_eq!(ResearchProgress::none().gaps().len(), 5);
    let long = "长".repeat(5001);
    assert!(matches!(
        Analysis::parse(&long, "", "", ""),
        Err(DomainError::Invalid {
            field: "feasibility",
            ..
        })
    ));
}

#[test]
fn typed_participants_carry_their_category() {
    let people = Participant::parse_lines(
        "王建国 行家里手\n\n李梅（党员）\n张三\n赵六,政协委员\n孙七 村民代表",
    )
    .unwrap();
    let got: Vec<(&str, ParticipantCategory)> = people
        .iter()
        .map(|p| (p.name.as_str(), p.category))
        .collect();
    assert_eq!(
        got,
        vec![
            ("王建国", ParticipantCategory::Expert),
            ("李梅", ParticipantCategory::PartyMember),
            ("张三", ParticipantCategory::Public),
            ("赵六", ParticipantCategory::CppccMember),
            ("孙七", ParticipantCategory::ResidentRepresentative),
        ]
    );
    let err = Participant::parse_line("王五 厨师").unwrap_err();
    assert!(err.message_zh().contains("厨师"));
    let many = "张三\n".repeat(61);
    assert!(Participant::parse_lines(&many).is_err());
}

#[test]
fn a_plan_needs_a_method_and_a_lead() {
    let methods = vec![
        ResearchMethod::Visit,
        ResearchMethod::Visit,
        ResearchMethod::Forum,
    ];
    let p = ResearchPlan::parse("路面破损范围", "三组", "12月上旬", "王主任", methods).unwrap();
    assert_eq!(
        p.methods,
        vec![ResearchMethod::Visit, ResearchMethod::Forum]
    );
    assert!(ResearchPlan::parse("路面破损范围", "", "", "王主任", vec![]).is_err());
    assert!(ResearchPlan::parse("路面破损范围", "", "", "", vec![ResearchMethod::Survey]).is_err());
}

#[test]
fn a_visit_is_recorded_after_it_happened() {
    let c = ctx(TopicState::Accepted, Submitter::Nobody);
    let record = |on| {
        decide(
            &c,
            &actor_for(Who::Convener),
            &TopicCommand::AddResearch { on },
        )
    };
    let today = super::today();
    assert!(record(today).is_ok());
    assert!(record(today.pred_opt().unwrap()).is_ok());
    assert!(matches!(
        record(today.succ_opt().unwrap()),
        Err(DomainError::Invalid { field: "on", .. })
    ));
    let findings = Note::parse("路面破损约三百米").unwrap();
    assert!(ResearchVisit::new(today, "", ResearchMethod::Visit, vec![], findings).is_err());
}
