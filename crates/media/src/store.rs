//! Where photos live: a small async key–value trait, a durable local-disk
//! store, and an in-memory one for tests.

use std::collections::HashMap;
use std::fs::{self, File};
use std::future::Future;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

/// The future every [`PhotoStore`] method returns: boxed so the trait stays
/// object-safe (`Arc<dyn PhotoStore>`), `Send` so handlers can await it.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = io::Result<T>> + Send + 'a>>;

/// Where photos live. Object-safe and async, so an S3-compatible store can be
/// added later without touching callers.
///
/// Keys are checked by [`validate_key`] and should be content-addressed by the
/// caller ([`crate::SafePhoto::full_key`]), so a retried upload writes the same
/// bytes under the same key and is harmless.
pub trait PhotoStore: Send + Sync {
    /// Store `bytes` under `key`, replacing what was there. Once the future
    /// resolves `Ok`, the object survives a crash or power loss.
    fn put<'a>(&'a self, key: &'a str, bytes: Vec<u8>) -> StoreFuture<'a, ()>;
    /// The bytes under `key`, or `None` if there are none.
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<Vec<u8>>>;
    /// Remove `key`. Removing a missing key succeeds, so a retry is harmless.
    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()>;
    /// Every stored key, sorted (for backups).
    fn keys(&self) -> StoreFuture<'_, Vec<String>>;
}

/// Longest key accepted; well under any file system's path limit.
const MAX_KEY_LEN: usize = 512;

/// Refuse any key that could name something outside the store's root or
/// clash with its temporary files: only `[a-z0-9/._-]`, no leading or
/// trailing `/`, no empty segment, and no segment starting with `.` (so no
/// `.` or `..`).
pub fn validate_key(key: &str) -> io::Result<()> {
    let allowed = |c: char| matches!(c, 'a'..='z' | '0'..='9' | '/' | '.' | '_' | '-');
    let ok = !key.is_empty()
        && key.len() <= MAX_KEY_LEN
        && key.chars().all(allowed)
        && key
            .split('/')
            .all(|segment| !segment.is_empty() && !segment.starts_with('.'));
    if ok {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("invalid photo key {key:?}"),
        ))
    }
}

/// Photos as files under one directory, one file per key.
///
/// A put writes a temporary file in the target's directory, fsyncs it,
/// renames it over the target and fsyncs every directory from the target's
/// up to the root: readers see the old object or the new one, never half,
/// and a put that returned is on disk. File work runs on Tokio's blocking
/// pool, so the methods must be awaited inside a Tokio runtime.
#[derive(Debug, Clone)]
pub struct LocalDisk {
    root: PathBuf,
}

impl LocalDisk {
    /// Use `root`, creating it if needed.
    pub fn new(root: impl Into<PathBuf>) -> io::Result<Self> {
        let root = root.into();
        fs::create_dir_all(&root)?;
        Ok(Self { root })
    }

    /// The directory the photos are under.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &str) -> io::Result<PathBuf> {
        validate_key(key)?;
        Ok(self.root.join(key))
    }
}

impl PhotoStore for LocalDisk {
    fn put<'a>(&'a self, key: &'a str, bytes: Vec<u8>) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let path = self.path(key)?;
            let root = self.root.clone();
            blocking(move || write_durably(&root, &path, &bytes)).await
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            let path = self.path(key)?;
            blocking(move || match fs::read(&path) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            })
            .await
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let path = self.path(key)?;
            blocking(move || {
                match fs::remove_file(&path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
                    Err(e) => return Err(e),
                }
                match path.parent() {
                    Some(dir) => sync_dir(dir),
                    None => Ok(()),
                }
            })
            .await
        })
    }

    fn keys(&self) -> StoreFuture<'_, Vec<String>> {
        let root = self.root.clone();
        Box::pin(blocking(move || keys_under(&root)))
    }
}

/// Every file under `root` that is a valid key (temporary files start with
/// `.` and are left out), as `/`-separated keys.
fn keys_under(root: &Path) -> io::Result<Vec<String>> {
    let mut keys = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                todo.push(path);
                continue;
            }
            let Ok(rel) = path.strip_prefix(root) else {
                continue;
            };
            let key = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if validate_key(&key).is_ok() {
                keys.push(key);
            }
        }
    }
    keys.sort();
    Ok(keys)
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> io::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(io::Error::other)?
}

/// Temporary-file names start with `.`, which no key segment may, so they
/// never collide with an object; the counter keeps concurrent puts of the
/// same key apart.
fn temp_path(path: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.{}.{n}.tmp", std::process::id()))
}

fn write_durably(root: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(root);
    fs::create_dir_all(dir)?;
    let temp = temp_path(path);
    let written = (|| {
        let mut file = File::options().write(true).create_new(true).open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(e);
    }
    // The rename lives in `dir`; directories created above live in their
    // parents. Syncing the whole chain also covers a directory that an
    // earlier, interrupted put created but never synced.
    for ancestor in dir.ancestors() {
        sync_dir(ancestor)?;
        if ancestor == root {
            break;
        }
    }
    Ok(())
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Photos in memory, for tests and demos: nothing survives the process.
#[derive(Debug, Default)]
pub struct MemoryStore {
    objects: Mutex<HashMap<String, Vec<u8>>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many objects are stored.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<u8>>> {
        self.objects.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl PhotoStore for MemoryStore {
    fn put<'a>(&'a self, key: &'a str, bytes: Vec<u8>) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            validate_key(key)?;
            self.lock().insert(key.to_owned(), bytes);
            Ok(())
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            validate_key(key)?;
            Ok(self.lock().get(key).cloned())
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            validate_key(key)?;
            self.lock().remove(key);
            Ok(())
        })
    }

    fn keys(&self) -> StoreFuture<'_, Vec<String>> {
        let mut keys: Vec<String> = self.lock().keys().cloned().collect();
        keys.sort();
        Box::pin(async move { Ok(keys) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_keys() {
        for key in ["a", "photos/ab/ab12.jpg", "x-y_z.v2/0"] {
            assert!(validate_key(key).is_ok(), "{key}");
        }
    }

    #[test]
    fn bad_keys() {
        let long = "a".repeat(MAX_KEY_LEN + 1);
        for key in [
            "",
            "../x",
            "a/../../x",
            "..",
            ".",
            "./a",
            "/etc/passwd",
            "a/",
            "a//b",
            "a\0b",
            "a\\b",
            "A.jpg",
            "a b",
            "照片.jpg",
            ".a.jpg.1.0.tmp",
            "c:/x",
            &long,
        ] {
            let err = validate_key(key).expect_err(key);
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        }
    }
}
