//! The demo's online deliberations (画出同心圆). For a few contested topics
//! on the next meeting's agenda the room's convener opens a deliberation,
//! residents add statements (some approved, some still waiting for the
//! convener), and phones of a few kinds of residents answer them — through
//! the same store calls the web makes. The opinion map is then drawn by the
//! server's background worker, which maps votes without a map when it starts.
use anyhow::{Context, ensure};
use domain::Moderation as Moderate;
use domain::TopicId;
use opinion::matrix::Vote;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Deserialize;
use store::{Store, Who};

#[derive(Deserialize)]
pub struct DemoDeliberation {
    /// Title of the topic deliberated (it is scheduled for the next meeting).
    pub topic: String,
    /// The kinds of residents taking part, and how many phones of each.
    camps: Vec<String>,
    voters: Vec<usize>,
    statements: Vec<DemoStatement>,
    /// Residents' statements still waiting for the convener.
    pending: Vec<String>,
}

#[derive(Deserialize)]
struct DemoStatement {
    text: String,
    /// Per camp: the share who agree, and who disagree (the rest pass).
    agree: Vec<f64>,
    disagree: Vec<f64>,
    /// Added by a resident and approved by the convener (else a seed).
    #[serde(default)]
    by_resident: bool,
}

impl DemoDeliberation {
    fn check(&self) -> anyhow::Result<()> {
        let k = self.camps.len();
        ensure!(
            self.voters.len() == k,
            "{}: one voter count per camp",
            self.topic
        );
        for s in &self.statements {
            ensure!(
                s.agree.len() == k && s.disagree.len() == k,
                "{}: one share per camp for 「{}」",
                self.topic,
                s.text
            );
            ensure!(
                s.agree.iter().zip(&s.disagree).all(|(a, d)| a + d <= 1.0),
                "{}: agree and disagree exceed 1 for 「{}」",
                self.topic,
                s.text
            );
        }
        Ok(())
    }
}

/// Opens the deliberation of `topic`, adds residents' statements and casts
/// the phones' votes. `seed` makes the votes the same on every load.
pub async fn open(
    store: &Store,
    d: &DemoDeliberation,
    topic: TopicId,
    convener: &Who,
    residents: &[Who],
    seed: u64,
) -> anyhow::Result<()> {
    d.check()?;
    let seeds: Vec<String> = d
        .statements
        .iter()
        .filter(|s| !s.by_resident)
        .map(|s| s.text.clone())
        .collect();
    let delib = store.open_deliberation(topic, convener, &seeds).await?;
    let mut resident = residents.iter().cycle();
    for s in d.statements.iter().filter(|s| s.by_resident) {
        let who = resident.next().context("residents")?;
        let added = store.add_statement(delib.id, who, &s.text).await?;
        store
            .moderate_statement(delib.id, added.id, &convener.actor, Moderate::Approve)
            .await?;
    }
    for text in &d.pending {
        let who = resident.next().context("residents")?;
        store.add_statement(delib.id, who, text).await?;
    }
    // Statement ids in the order of `d.statements`.
    let stored = store.statements(delib.id).await?;
    let ids: Vec<domain::StatementId> = d
        .statements
        .iter()
        .map(|s| {
            stored
                .iter()
                .find(|x| x.text == s.text)
                .map(|x| x.id)
                .context("statement stored")
        })
        .collect::<anyhow::Result<_>>()?;

    let mut rng = StdRng::seed_from_u64(seed);
    // Phones arrive in no particular order of camp.
    let mut phones: Vec<usize> = d
        .voters
        .iter()
        .enumerate()
        .flat_map(|(camp, &n)| std::iter::repeat_n(camp, n))
        .collect();
    phones.shuffle(&mut rng);
    for (k, &camp) in phones.iter().enumerate() {
        let voter = format!("d:demo-yishi-{seed}-{k:03}");
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.shuffle(&mut rng);
        // Most answer every statement; some stop after a few.
        let answered = if rng.random_bool(0.75) {
            ids.len()
        } else {
            rng.random_range(3..=6).min(ids.len())
        };
        for &j in &order[..answered] {
            let s = &d.statements[j];
            let r: f64 = rng.random();
            let vote = if r < s.agree[camp] {
                Vote::Agree
            } else if r < s.agree[camp] + s.disagree[camp] {
                Vote::Disagree
            } else {
                Vote::Pass
            };
            store
                .vote_statement(delib.id, ids[j], &voter, vote, None)
                .await?;
        }
    }
    Ok(())
}
