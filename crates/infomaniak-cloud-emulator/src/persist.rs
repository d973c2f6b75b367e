//! The optional state file: loaded at start, rewritten after every change. Writes go to a
//! temporary file in the same directory that is then renamed over the old one, so a crash
//! never leaves a half-written file behind.

use std::io::Write;
use std::path::Path;

use crate::state::Store;

/// Errors reading or writing the state file.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    /// The file could not be read or written.
    #[error("state file I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The file does not hold a valid state.
    #[error("state file is not valid: {0}")]
    Format(#[from] serde_json::Error),
}

/// Loads a store, or `None` when the file does not exist.
pub fn load(path: &Path) -> Result<Option<Store>, PersistError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(serde_json::from_slice(&bytes)?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Writes a store atomically.
pub fn save(path: &Path, store: &Store) -> Result<(), PersistError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    serde_json::to_writer_pretty(&mut file, store)?;
    file.write_all(b"\n")?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
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
        assert!(matches!(load(&path), Err(PersistError::Format(_))));
    }
}
