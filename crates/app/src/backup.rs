//! `shangliang backup FILE` and `shangliang restore FILE`: the database (every
//! table the application owns, from one snapshot, taken while the server
//! runs) and the residents' photos in one ZIP file, restorable into an empty
//! database of either kind. Inside: `manifest.json` (format, tables with
//! their row counts and content hashes), `tables/NAME.jsonl` (one row a
//! line) and `photos/KEY` (every object of the photo store, folder or
//! bucket).
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use anyhow::{Context, bail, ensure};
use media::PhotoStore;
use serde::{Deserialize, Serialize};
use zip::write::SimpleFileOptions;

/// The layout this program writes and reads.
const FORMAT: &str = "shangliang-backup-1";

#[derive(Serialize, Deserialize)]
struct Manifest {
    format: String,
    /// Table → (rows, content hash), in restore order.
    tables: Vec<(String, u64, String)>,
    photos: u64,
}

pub async fn backup(
    store: &store::Store,
    photos: &dyn PhotoStore,
    file: &Path,
) -> anyhow::Result<()> {
    let partial = file.with_extension("partial");
    let out = std::fs::File::create(&partial)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(out));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    // Each table's lines, written to the archive as they come.
    let mut current: Option<&'static str> = None;
    let mut failure: Option<anyhow::Error> = None;
    // Hashed from the same snapshot as the rows written.
    let mut hashes = store::ContentHashes::default();
    let counts = store
        .dump(|table, line| {
            hashes.add(table, &line);
            let mut write = || -> anyhow::Result<()> {
                if current != Some(table) {
                    zip.start_file(format!("tables/{table}.jsonl"), options)?;
                    current = Some(table);
                }
                zip.write_all(line.as_bytes())?;
                zip.write_all(b"\n")?;
                Ok(())
            };
            write().map_err(|e| {
                let message = e.to_string();
                failure = Some(e);
                store::StoreError::Corrupt(message)
            })
        })
        .await;
    if let Some(e) = failure {
        return Err(e);
    }
    let counts = counts?;
    let hashes = hashes.finish();
    // Photos stored after the snapshot come along too; none it names is missing.
    let keys = photos.keys().await.context("cannot list the photos")?;
    for key in &keys {
        // One deleted since it was listed is not in the snapshot's rows.
        let Some(bytes) = photos
            .get(key)
            .await
            .with_context(|| format!("cannot read photo {key}"))?
        else {
            continue;
        };
        zip.start_file(format!("photos/{key}"), SimpleFileOptions::default())?;
        zip.write_all(&bytes)?;
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        tables: counts
            .iter()
            .map(|(t, n)| {
                (
                    t.to_string(),
                    *n,
                    hashes.get(t).cloned().unwrap_or_default(),
                )
            })
            .collect(),
        photos: keys.len() as u64,
    };
    zip.start_file("manifest.json", options)?;
    zip.write_all(serde_json::to_string_pretty(&manifest)?.as_bytes())?;
    let mut inner = zip.finish()?.into_inner()?;
    inner.flush()?;
    inner.sync_all()?;
    std::fs::rename(&partial, file)?;
    let rows: u64 = counts.iter().map(|(_, n)| n).sum();
    println!(
        "已备份 {} 张表共 {rows} 行、{} 张照片到 {}",
        counts.len(),
        keys.len(),
        file.display()
    );
    Ok(())
}

pub async fn restore(
    store: &store::Store,
    photos: &dyn PhotoStore,
    file: &Path,
) -> anyhow::Result<()> {
    let f = std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(f)).context("not a backup file")?;
    let manifest: Manifest = {
        let mut text = String::new();
        zip.by_name("manifest.json")
            .context("not a backup file: no manifest.json")?
            .read_to_string(&mut text)?;
        serde_json::from_str(&text)?
    };
    ensure!(
        manifest.format == FORMAT,
        "unknown backup format {}",
        manifest.format
    );
    let restore = store.begin_restore().await?;
    for (table, rows, _) in &manifest.tables {
        if *rows == 0 {
            continue;
        }
        let entry = zip.by_name(&format!("tables/{table}.jsonl"))?;
        let mut batch = Vec::with_capacity(2_000);
        for line in BufReader::new(entry).lines() {
            batch.push(line?);
            if batch.len() == 2_000 {
                restore.rows(table, &batch).await?;
                batch.clear();
            }
        }
        restore.rows(table, &batch).await?;
    }
    restore.finish().await?;
    // Photos: content-addressed, so one already there is the same photo.
    let present: std::collections::HashSet<String> = photos
        .keys()
        .await
        .context("cannot list the photos")?
        .into_iter()
        .collect();
    let mut restored = 0;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i)?;
        let name = entry.name()?.into_owned();
        if entry.enclosed_name().is_none() {
            bail!("a file in the backup points outside it: {name:?}");
        }
        // Names in a ZIP are `/`-separated, as photo keys are; a name that
        // is not a valid key is refused by the store.
        let Some(key) = name.strip_prefix("photos/") else {
            continue;
        };
        if !present.contains(key) {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes)?;
            photos
                .put(key, bytes)
                .await
                .with_context(|| format!("cannot store photo {key}"))?;
        }
        restored += 1;
    }
    // The restored content, table by table, as the backup says it was.
    let now = store.table_hashes().await?;
    let mut differ = Vec::new();
    let wanted: BTreeMap<&str, &str> = manifest
        .tables
        .iter()
        .map(|(t, _, h)| (t.as_str(), h.as_str()))
        .collect();
    for (table, hash) in &wanted {
        if now.get(table).map(String::as_str) != Some(*hash) {
            differ.push(*table);
        }
    }
    ensure!(
        differ.is_empty(),
        "restored tables differ from the backup: {differ:?}"
    );
    let verdict = store.verify_audit(Vec::new()).await?;
    ensure!(
        verdict.breaks.is_empty(),
        "the restored audit chain does not verify: {:?}",
        verdict.breaks
    );
    println!(
        "已恢复 {} 张表、{restored} 张照片；各表内容与备份一致，操作日志链完好（{} 条）",
        manifest.tables.len(),
        verdict.checked
    );
    Ok(())
}
