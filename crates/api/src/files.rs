//! Where uploaded bytes live: a content-addressed store (the SHA-256 of the bytes is the name),
//! so the same file uploaded twice is kept once. Local disk under `DATA_DIR/files` by default;
//! the trait is what an S3-compatible store would implement.

use std::io::Write;
use std::path::PathBuf;

use sha2::{Digest, Sha256};

/// Stores and returns file contents by their SHA-256.
pub trait FileStore: Send + Sync {
    /// Stores `bytes` (idempotently) and returns their hex SHA-256.
    fn put(&self, bytes: &[u8]) -> std::io::Result<String>;
    /// The bytes stored under `sha256`.
    fn get(&self, sha256: &str) -> std::io::Result<Vec<u8>>;
}

/// Files on local disk, fanned out into `ab/cd/<sha256>` directories.
pub struct LocalFiles {
    root: PathBuf,
}

impl LocalFiles {
    /// A store rooted at `root` (created on first write).
    pub fn new(root: PathBuf) -> LocalFiles {
        LocalFiles { root }
    }

    fn path_of(&self, sha256: &str) -> std::io::Result<PathBuf> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a sha256",
            ));
        }
        Ok(self
            .root
            .join(&sha256[..2])
            .join(&sha256[2..4])
            .join(sha256))
    }
}

impl FileStore for LocalFiles {
    fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        let path = self.path_of(&sha256)?;
        if path.exists() {
            return Ok(sha256);
        }
        let dir = path.parent().expect("fanned-out path has a parent");
        std::fs::create_dir_all(dir)?;
        // Write then rename: a crash never leaves a half-written file under the final name.
        let temp = dir.join(format!(".{sha256}.{}", uuid::Uuid::new_v4().simple()));
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, &path)?;
        Ok(sha256)
    }

    fn get(&self, sha256: &str) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.path_of(sha256)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_by_content_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalFiles::new(dir.path().to_path_buf());
        let a = store.put(b"hello").unwrap();
        assert_eq!(a, store.put(b"hello").unwrap());
        assert_eq!(store.get(&a).unwrap(), b"hello");
        assert!(store.get("../../etc/passwd").is_err());
    }
}
