//! A file output checked against its checkpoint before it is written again: its recorded
//! part unchanged (by CRC-32), and past it only what an interrupted page left.

use std::fs::File;
use std::io;
use std::path::Path;

use crate::state::checkpoint::Checkpoint;
use crate::state::error::StateError;

/// Checks the output against its checkpoint: its recorded part unchanged (when the
/// checkpoint has its CRC), and past it only what an interrupted page left.
pub(crate) fn check_output(
    out: &Path,
    saved: &Checkpoint,
    held: u64,
    crc: u32,
) -> Result<(), StateError> {
    let keep = saved.output_len;
    if saved.output_crc.is_some_and(|recorded| recorded != crc) {
        return Err(StateError::Inconsistent(format!(
            "{}: its first {keep} bytes are not the ones the export wrote (their CRC-32 is not \
             the checkpoint's): the file was edited; nothing was changed. Restore it, or move \
             it and its checkpoint aside to start over",
            out.display()
        )));
    }
    if held <= keep {
        return Ok(());
    }
    let extra = held - keep;
    let interrupted = match saved.output_pending {
        Some((len, _)) if held < len => true,
        Some((len, page_crc)) if held == len => crc_of(out, held)? == page_crc,
        Some(_) => false,
        // A checkpoint of an earlier version: it recorded no page before writing it.
        None => saved.output_crc.is_none(),
    };
    if !interrupted {
        return Err(StateError::Inconsistent(format!(
            "{} holds {extra} bytes past the {keep} its checkpoint recorded, which no \
             interrupted page of this export accounts for: something else wrote to it; \
             nothing was changed. Move those bytes (or the file and its checkpoint) aside",
            out.display()
        )));
    }
    crate::command::console::say(
        "info",
        &out.display().to_string(),
        &format!(
            "cutting back {extra} bytes that an interrupted run wrote but did not record; \
             their page is written again"
        ),
    );
    Ok(())
}

/// The CRC-32 of the first `len` bytes of the file at `path`.
pub(crate) fn crc_of(path: &Path, len: u64) -> Result<u32, StateError> {
    use std::io::Read;
    let mut crc = crc32fast::Hasher::new();
    if len > 0 {
        let file = File::open(path).map_err(|e| StateError::io("reading", path, e))?;
        let mut reader = io::BufReader::with_capacity(1 << 16, file.take(len));
        let mut buffer = vec![0; 1 << 16];
        loop {
            let n = reader
                .read(&mut buffer)
                .map_err(|e| StateError::io("reading", path, e))?;
            if n == 0 {
                break;
            }
            crc.update(&buffer[..n]);
        }
    }
    Ok(crc.finalize())
}
