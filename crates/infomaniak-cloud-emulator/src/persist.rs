//! The optional state file: loaded at start, rewritten after every change. Writes go to a
//! temporary file in the same directory that is then renamed over the old one, so a crash
//! never leaves a half-written file behind.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::state::Store;

/// Errors reading or writing the state file.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    /// The file could not be read, or it or its temporary sibling could not be written.
    #[error("cannot read or write the state file {}: {source}", path.display())]
    Io {
        /// The state file.
        path: PathBuf,
        /// What the system answered.
        source: std::io::Error,
    },
    /// The file does not hold a valid state.
    #[error("the state file {} is not valid: {source}", path.display())]
    Format {
        /// The state file.
        path: PathBuf,
        /// What the parser answered.
        source: serde_json::Error,
    },
}

impl PersistError {
    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> PersistError + '_ {
        move |source| PersistError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// Loads a store, or `None` when the file does not exist.
pub fn load(path: &Path) -> Result<Option<Store>, PersistError> {
    match std::fs::read(path) {
        Ok(bytes) => {
            serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|source| PersistError::Format {
                    path: path.to_owned(),
                    source,
                })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(PersistError::io(path)(e)),
    }
}

/// Writes a store atomically.
pub fn save(path: &Path, store: &Store) -> Result<(), PersistError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(PersistError::io(path))?;
    serde_json::to_writer_pretty(&mut file, store)
        .map_err(std::io::Error::from)
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.as_file().sync_all())
        .map_err(PersistError::io(path))?;
    file.persist(path)
        .map_err(|e| PersistError::io(path)(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::config::Config;

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        assert!(load(&path).unwrap().is_none());
        let store = Store::seed(&Config::default(), &Clock::start());
        save(&path, &store).unwrap();
        let loaded = load(&path).unwrap().unwrap();
        assert_eq!(loaded.users.len(), store.users.len());
        assert_eq!(
            loaded.projects[&2001].open_stack_name,
            store.projects[&2001].open_stack_name
        );
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }

    #[test]
    fn garbage_is_a_format_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        std::fs::write(&path, "not json").unwrap();
        assert!(matches!(load(&path), Err(PersistError::Format { .. })));
    }

    #[test]
    fn saving_into_a_missing_directory_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("state.json");
        let store = Store::seed(&Config::default(), &Clock::start());
        let error = save(&path, &store).unwrap_err();
        assert!(matches!(error, PersistError::Io { .. }));
        assert!(error.to_string().contains("state.json"), "{error}");
    }
}
