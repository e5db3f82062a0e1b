//! Where document files live: a [`DocumentStore`] over `object_store`.
//!
//! The local folder `$TUTTI_DATA_DIR/documents` (created on first run) by default, or
//! any S3-compatible store when `TUTTI_STORAGE_URL=s3://bucket/prefix` is set.
//! Files are written before their row, so a crash leaves at worst an orphan file, never
//! a row without its file. Keys are random (128 bits, hex) under the site's id: nothing
//! of the family's file name reaches the file system.

use std::sync::Arc;

use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt as _, PutPayload};

use crate::domain::{DomainError, SiteId};

/// The documents' file storage.
#[derive(Clone)]
pub struct DocumentStore {
    inner: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for DocumentStore {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("DocumentStore")
            .finish_non_exhaustive()
    }
}

fn storage_error(error: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("document storage: {error}"))
}

impl DocumentStore {
    /// The local folder `root`, created if missing.
    pub fn local(root: &std::path::Path) -> Result<Self, String> {
        std::fs::create_dir_all(root)
            .map_err(|error| format!("cannot create {}: {error}", root.display()))?;
        let store = LocalFileSystem::new_with_prefix(root)
            .map_err(|error| format!("{}: {error}", root.display()))?;
        Ok(Self {
            inner: Arc::new(store),
        })
    }

    /// The store the configuration names: S3-compatible for `TUTTI_STORAGE_URL`, else the
    /// local folder `$TUTTI_DATA_DIR/documents`.
    pub fn from_config(config: &crate::config::Config) -> Result<Self, String> {
        match &config.storage_url {
            Some(url) => Self::s3(url, &config.s3_options),
            None => Self::local(&config.data_dir.join("documents")),
        }
    }

    /// An S3-compatible store: `s3://bucket/prefix`, with the `AWS_*` options (endpoint,
    /// region, keys, `AWS_ALLOW_HTTP`).
    pub fn s3(url: &str, options: &[(String, crate::config::Secret)]) -> Result<Self, String> {
        use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
        let mut builder = AmazonS3Builder::new().with_url(url);
        for (name, value) in options {
            if let Ok(key) = name.to_ascii_lowercase().parse::<AmazonS3ConfigKey>() {
                builder = builder.with_config(key, value.expose());
            }
        }
        let store = builder
            .build()
            .map_err(|error| format!("TUTTI_STORAGE_URL: {error}"))?;
        let prefix = url
            .trim_start_matches("s3://")
            .split_once('/')
            .map(|(_, prefix)| prefix.trim_matches('/'))
            .unwrap_or_default();
        let inner: Arc<dyn ObjectStore> = if prefix.is_empty() {
            Arc::new(store)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(store, prefix))
        };
        Ok(Self { inner })
    }

    /// A new random key under the site's folder.
    pub fn new_key(site: SiteId) -> String {
        let random: [u8; 16] = rand::random();
        format!("{}/{}", site.0, hex::encode(random))
    }

    /// Writes a file (the local store writes a temporary file and renames it).
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), DomainError> {
        let path = Path::parse(key).map_err(storage_error)?;
        self.inner
            .put(&path, PutPayload::from(bytes))
            .await
            .map_err(storage_error)?;
        Ok(())
    }

    /// Reads a file whole (files are at most 2 MB).
    pub async fn get(&self, key: &str) -> Result<Vec<u8>, DomainError> {
        let path = Path::parse(key).map_err(storage_error)?;
        let result = self.inner.get(&path).await.map_err(|error| match error {
            object_store::Error::NotFound { .. } => DomainError::NotFound,
            other => storage_error(other),
        })?;
        let bytes = result.bytes().await.map_err(storage_error)?;
        Ok(bytes.to_vec())
    }

    /// Every stored file: its key and when it was last written.
    pub async fn list(&self) -> Result<Vec<(String, chrono::DateTime<chrono::Utc>)>, DomainError> {
        use futures::StreamExt as _;
        let listed: Vec<object_store::Result<object_store::ObjectMeta>> =
            self.inner.list(None).collect().await;
        listed
            .into_iter()
            .map(|meta| {
                meta.map(|meta| (meta.location.to_string(), meta.last_modified))
                    .map_err(storage_error)
            })
            .collect()
    }

    /// Deletes a file; a missing one is not an error. Failures are logged, not returned:
    /// the row no longer names the file, so at worst an orphan stays for the sweep.
    pub async fn delete(&self, key: &str) {
        let Ok(path) = Path::parse(key) else {
            return;
        };
        match self.inner.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(error) => tracing::warn!(%error, "a document file could not be deleted"),
        }
    }
}
