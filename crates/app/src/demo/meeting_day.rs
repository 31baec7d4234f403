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
