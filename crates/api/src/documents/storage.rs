//! Where document files live: a [`DocumentStore`] over `object_store`.
//!
//! Today only the local folder `$TUTTI_DATA_DIR/documents` (created on first run) is
//! wired; an S3-compatible store is the same trait object behind another constructor.
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
