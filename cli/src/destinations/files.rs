//! Which file a path names, however it is spelled: so that two outputs or checkpoints that
//! are one file are refused, and a lock is taken on the file itself.

use std::path::{Component, Path, PathBuf};

use crate::state::error::StateError;

/// What a path names, as a file: its device and inode where it exists, else its absolute
/// path with `.` and `..` resolved and its directory's symlinks followed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FileId {
    Inode(u64, u64),
    Path(PathBuf),
}

/// The file `path` names (see [`FileId`]).
pub fn file_id(path: &Path) -> Result<FileId, StateError> {
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(path) {
        use std::os::unix::fs::MetadataExt;
        return Ok(FileId::Inode(meta.dev(), meta.ino()));
    }
    Ok(FileId::Path(resolved(path)))
}

/// `path` made absolute, with `.` and `..` resolved and symlinks followed as far as what
/// exists allows.
pub fn resolved(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let normal = normalize(&absolute);
    match (normal.parent(), normal.file_name()) {
        (Some(dir), Some(name)) => match dir.canonicalize() {
            Ok(dir) => dir.join(name),
            Err(_) => normal.clone(),
        },
        _ => normal.clone(),
    }
}

/// `.` and `..` resolved lexically.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Refuses two of `paths` that name the same file.
pub fn same_file_check(paths: &[&Path]) -> Result<(), StateError> {
    let mut seen: Vec<(FileId, &Path)> = Vec::with_capacity(paths.len());
    for path in paths {
        let id = file_id(path)?;
        if let Some((_, first)) = seen.iter().find(|(other, _)| *other == id) {
            return Err(StateError::Shared {
                first: first.to_path_buf(),
                second: path.to_path_buf(),
            });
        }
        seen.push((id, path));
    }
    Ok(())
}
