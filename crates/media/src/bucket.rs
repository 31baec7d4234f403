//! Photos in an S3-compatible bucket (AWS S3, MinIO, 阿里云 OSS, 腾讯云 COS),
//! so that every node of a deployment serves what any node stored.

use std::io;
use std::time::Duration;

use futures::TryStreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig};

use crate::store::{PhotoStore, StoreFuture, validate_key};

/// Where the bucket is and how to sign in to it. Unset credentials come from
/// the usual `AWS_*` environment variables (or the machine's role).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketConfig {
    pub bucket: String,
    /// The service's address, for anything but AWS itself
    /// (`https://oss-cn-hangzhou.aliyuncs.com`, `http://127.0.0.1:9000`).
    /// Requests then name the bucket in the path, which every
    /// S3-compatible service understands.
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    /// Keys are stored under this folder of the bucket (may be empty).
    pub prefix: String,
}

/// A [`PhotoStore`] on an S3-compatible bucket. A put that returned is
/// stored by the service (S3 acknowledges only durable writes); transient
/// failures are retried by `object_store` with backoff.
#[derive(Debug)]
pub struct Bucket {
    store: AmazonS3,
    prefix: String,
}

impl Bucket {
    /// Checks the settings; nothing is sent until the first request.
    pub fn new(config: &BucketConfig) -> io::Result<Self> {
        // A resident waits on these: a few quick retries, then an error the
        // page can show, rather than object_store's three minutes.
        let retry = RetryConfig {
            max_retries: 3,
            retry_timeout: Duration::from_secs(10),
            ..RetryConfig::default()
        };
        let client = ClientOptions::new()
            .with_connect_timeout(Duration::from_secs(3))
            .with_timeout(Duration::from_secs(20));
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(&config.bucket)
            .with_retry(retry)
            .with_client_options(client);
        if let Some(endpoint) = &config.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        if let Some(region) = &config.region {
            builder = builder.with_region(region);
        }
        if let Some(key) = &config.access_key {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = &config.secret_key {
            builder = builder.with_secret_access_key(secret);
        }
        let store = builder.build().map_err(io::Error::other)?;
        let prefix = config.prefix.trim_matches('/').to_owned();
        if !prefix.is_empty() {
            validate_key(&prefix)?;
        }
        Ok(Self { store, prefix })
    }

    fn path(&self, key: &str) -> io::Result<Path> {
        validate_key(key)?;
        Ok(match self.prefix.as_str() {
            "" => Path::from(key),
            prefix => Path::from(format!("{prefix}/{key}")),
        })
    }
}

fn failed(e: object_store::Error) -> io::Error {
    match e {
        object_store::Error::NotFound { .. } => io::Error::new(io::ErrorKind::NotFound, e),
        other => io::Error::other(other),
    }
}

impl PhotoStore for Bucket {
    fn put<'a>(&'a self, key: &'a str, bytes: Vec<u8>) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let path = self.path(key)?;
            self.store
                .put(&path, PutPayload::from(bytes))
                .await
                .map_err(failed)?;
            Ok(())
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            let path = self.path(key)?;
            match self.store.get(&path).await {
                Ok(found) => Ok(Some(found.bytes().await.map_err(failed)?.to_vec())),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(failed(e)),
            }
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let path = self.path(key)?;
            match self.store.delete(&path).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(failed(e)),
            }
        })
    }

    fn keys(&self) -> StoreFuture<'_, Vec<String>> {
        Box::pin(async move {
            let under = (!self.prefix.is_empty()).then(|| Path::from(self.prefix.as_str()));
            let objects: Vec<_> = self
                .store
                .list(under.as_ref())
                .try_collect()
                .await
                .map_err(failed)?;
            let strip = match self.prefix.as_str() {
                "" => String::new(),
                prefix => format!("{prefix}/"),
            };
            let mut keys: Vec<String> = objects
                .into_iter()
                .filter_map(|o| o.location.as_ref().strip_prefix(&strip).map(str::to_owned))
                .filter(|k| validate_key(k).is_ok())
                .collect();
            keys.sort();
            Ok(keys)
        })
    }
}
