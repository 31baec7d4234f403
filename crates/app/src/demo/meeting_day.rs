//! A demo meeting's day: invitations to the room's linked members and to
//! villagers by text, the wanted mix, answers, and sign-in at the door.
use chrono::{DateTime, Duration, Utc};
use domain::{
    CheckIn, MeetingId, MixRule, Participant, ParticipantCategory, PhoneNumber, RoomId, Rsvp,
};
use store::{Arrival, Invitee, Store, Who};

use super::pace::Pace;
use super::{Data, pick};

/// Invites a meeting's people a week before it starts (or now, for one
/// not yet held) and records their answers: all of them for a meeting
/// already held, some still pending for the one to come.
#[allow(clippy::too_many_arguments)]
pub(super) async fn invite(
    store: &Store,
    pace: &Pace,
    d: &Data,
    convener: &Who,
    room: RoomId,
    meeting: MeetingId,
    starts_at: DateTime<Utc>,
    ri: usize,
    held: bool,
) -> anyhow::Result<()> {
    if held {
        pace.office(starts_at, -7, ri + 5);
    }
    let key = web::DeviceKey::new(&store.secret(web::device::SECRET_NAME).await?);
    let mut people: Vec<Invitee> = store
        .people_of_room(room)
        .await?
        .into_iter()
        .map(|u| Invitee::User(u.id))
        .collect();
    for (k, line) in pick(&d.meeting_day.invitees, ri).lines().enumerate() {
        let p = Participant::parse_line(line)?;
        // Numbers of the demo's own series, distinct per room and person.
        let phone = PhoneNumber::parse(&format!("1390010{:02}{:02}", ri % 100, k))?;
        people.push(Invitee::Named {
            name: p.name,
            category: p.category,
            phone: Some(phone),
        });
    }
    let m = store.meeting(meeting).await?;
    let when = domain::beijing_time(m.starts_at);
    let line = |inv: &store::Invitation| {
        (
            format!(
                "邀请您参加「{}」，时间 {when}，地点 {}。请答复参加或请假。",
                m.title, m.place
            ),
            web::rsvp_path(&key, meeting, inv.id),
        )
    };
    let invited = store.invite(meeting, convener, &people, &line).await?;
    store
        .set_mix(
            meeting,
            convener,
            &[
                MixRule::new(ParticipantCategory::CppccMember, 1, 0)?,
                MixRule::new(ParticipantCategory::Public, 0, 30)?,
            ],
        )
        .await?;
    for (k, inv) in invited.iter().enumerate() {
        let answer = match k % 5 {
            3 => Rsvp::Excused,
            4 if !held => continue,
            _ => Rsvp::Attending,
        };
        if held {
            pace.office(starts_at, -6 + (k % 4) as i64, ri + k);
        }
        store.answer_invitation(inv.id, answer).await?;
    }
    Ok(())
}

/// The door of a meeting held: those who said they would come sign in as
/// they arrive (one by the convener's hand), and a villager walks in.
pub(super) async fn sign_in(
    store: &Store,
    pace: &Pace,
    convener: &Who,
    meeting: MeetingId,
    starts_at: DateTime<Utc>,
) -> anyhow::Result<()> {
    let list = store.invitations(meeting).await?;
    for (k, inv) in list
        .iter()
        .filter(|i| i.rsvp == Rsvp::Attending)
        .enumerate()
    {
        pace.set(starts_at - Duration::minutes(30 - 2 * k as i64));
        if k == 0 {
            store.sign_in_by_hand(meeting, convener, inv.id).await?;
        } else {
            store
                .sign_in(meeting, &Arrival::Invited(inv.id), CheckIn::Link)
                .await?;
        }
    }
    pace.set(starts_at - Duration::minutes(3));
    let walk_in = Arrival::WalkIn {
        name: "陈桂英".into(),
        category: ParticipantCategory::Public,
        phone: None,
    };
    store.sign_in(meeting, &walk_in, CheckIn::WalkIn).await?;
    Ok(())
}

/// One agenda item at a held meeting: the convener moves to it, two of
/// those present speak, and the room approves its opinion by show of hands.
#[allow(clippy::too_many_arguments)]
pub(super) async fn discuss(
    store: &Store,
    pace: &Pace,
    convener: &Who,
    meeting: MeetingId,
    starts_at: DateTime<Utc>,
    k: usize,
    topic: domain::TopicId,
    title: &str,
) -> anyhow::Result<()> {
    let at = |m: i64| pace.set(starts_at + Duration::minutes(12 * k as i64 + m));
    at(1);
    store.set_current_item(meeting, convener, topic).await?;
    let present: Vec<store::Invitation> = store
        .invitations(meeting)
        .await?
        .into_iter()
        .filter(|i| i.present_at.is_some())
        .collect();
    for (s, p) in present.iter().skip(k % 3).take(2).enumerate() {
        at(2 + s as i64);
        // Each asks from their phone, so the turn counts on their record.
        let name = domain::PersonName::parse(&p.name)?;
        store
            .add_speaker(meeting, convener, Some(p.id), &name)
            .await?;
        store.next_speaker(meeting, convener).await?;
    }
    // The last speaker finishes before the vote.
    store.next_speaker(meeting, convener).await?;
    at(8);
    let vote = store
        .open_vote(
            meeting,
            convener,
            &format!("同意就{title}形成的协商意见"),
            domain::VoteMode::Hands,
        )
        .await?;
    let n = u32::try_from(present.len()).unwrap_or(0);
    let against = u32::from(n > 4);
    store
        .close_vote(meeting, convener, vote, Some([n - against, 0, against]))
        .await?;
    Ok(())
}

/// The minutes of a held meeting, written the day after and published.
pub(super) async fn minutes(
    store: &Store,
    pace: &Pace,
    convener: &Who,
    meeting: MeetingId,
    starts_at: DateTime<Utc>,
    heard: &[(domain::TopicId, String)],
) -> anyhow::Result<()> {
    pace.office(starts_at, 1, 7);
    let text = store::MinutesText {
        chair: convener.name.clone(),
        recorder: "议事室联络员".into(),
        summary: "会议要求各责任单位按照协商意见抓好落实，议事室将跟踪办理进度并及时向群众公开。".into(),
        discussions: heard
            .iter()
            .map(|(t, title)| {
                (
                    *t,
                    format!(
                        "与会人员围绕{title}充分发表意见。群众代表反映了问题的具体情况和迫切诉求，行家里手就实施方案的可行性作了分析，相关部门说明了职责范围内可以采取的措施。经充分协商，与会人员形成一致意见。"
                    ),
                )
            })
            .collect(),
    };
    store.write_minutes(meeting, convener, &text).await?;
    store.publish_minutes(meeting, convener).await?;
    Ok(())
}
