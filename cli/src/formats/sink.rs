//! Where entries go: JSON Lines, CSV, OCSF events or Logpush records, to standard output, a
//! file, or batches for an object store.
//!
//! A file sink knows how many bytes it holds. The checkpoint records that length after each
//! page, and a resumed run cuts the file back to it, so a page written but not yet recorded
//! when the process died is written once, not twice. Standard output takes no checkpoint:
//! what a pipe accepted is not what its reader consumed.

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use cloudflare_audit_logs::RawEntry;
use cloudflare_audit_logs::listings::Listing;

use crate::formats::logpush::Timestamps;
use crate::formats::records::Record;
use crate::state::error::StateError;

/// The output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object a line, as the API sends the entry.
    Jsonl,
    /// Flattened columns in a stable order, with a header line.
    Csv,
    /// One OCSF API Activity event a line (OCSF 1.5.0, `cloud` profile), the entry kept as
    /// `raw_data`.
    Ocsf,
    /// One Logpush record a line: Logpush's field names for the audit-log datasets, the
    /// time as `--timestamps` says, everything else in `Extra` (see guides/exporter.md).
    Logpush,
}

enum Out {
    Stdout(BufWriter<io::Stdout>),
    /// A file, and the page under way (written to the file whole by [`Sink::flush`]).
    File(File, PathBuf, Vec<u8>),
    Memory(Vec<u8>),
    /// The records of the batch under way, for an object store ([`crate::destinations::bucket`]).
    Batch(Vec<u8>),
}

/// The source columns that open every CSV row, in this order.
pub const SOURCE_COLUMNS: [&str; 4] = [
    "source.log",
    "source.account_id",
    "source.zone_id",
    "source.organization_id",
];

/// The start of a JSON Lines record before a source is named.
const NO_SOURCE: &[u8] = br#"{"source":null,"entry":"#;

/// Writes entries and knows how much it has written.
pub struct Sink {
    out: Out,
    format: Format,
    /// The source every record names (see [`Sink::set_origin`]).
    origin: Option<serde_json::Value>,
    /// The start of every JSON Lines record, `{"source":<origin>,"entry":`, written once.
    prefix: Vec<u8>,
    /// Bytes in the output so far.
    len: u64,
    /// How Logpush records write their time.
    timestamps: Timestamps,
    /// Where a batch sink's batches and checkpoint go.
    remote: Option<crate::destinations::remote::Remote>,
    /// The record being written, kept between records for its capacity.
    line: Vec<u8>,
    /// A file: the CRC-32 of what it holds up to the page under way.
    crc: crc32fast::Hasher,
}

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let to = match &self.out {
            Out::Stdout(_) => "standard output".to_owned(),
            Out::File(_, path, _) => path.display().to_string(),
            Out::Memory(_) => "memory".to_owned(),
            Out::Batch(_) => "an object store".to_owned(),
        };
        f.debug_struct("Sink")
            .field("to", &to)
            .field("format", &self.format)
            .field("len", &self.len)
            .finish()
    }
}

impl Sink {
    /// A sink writing `format` to `out`, which holds `len` bytes already.
    fn new(out: Out, format: Format, len: u64) -> Sink {
        Sink {
            out,
            format,
            origin: None,
            prefix: NO_SOURCE.to_vec(),
            len,
            timestamps: Timestamps::default(),
            remote: None,
            line: Vec::new(),
            crc: crc32fast::Hasher::new(),
        }
    }

    /// Writes to standard output.
    pub fn stdout(format: Format) -> Sink {
        Sink::new(Out::Stdout(BufWriter::new(io::stdout())), format, 0)
    }

    /// Writes to memory (for tests).
    pub fn memory(format: Format) -> Sink {
        Sink::new(Out::Memory(Vec::new()), format, 0)
    }

    /// Writes to `file` (the output at `path`) from byte `keep` on, cutting off what lies
    /// past it; `crc` is the CRC-32 of the `keep` bytes before.
    /// [`state::open`](crate::state::open()) checks the file first.
    pub fn file(
        mut file: File,
        path: &Path,
        format: Format,
        keep: u64,
        crc: u32,
    ) -> Result<Sink, StateError> {
        let cut = |file: &mut File| -> io::Result<()> {
            // Only a file longer than `keep` is cut (a device such as a FIFO has no length).
            if file.metadata()?.len() > keep {
                file.set_len(keep)?;
            }
            file.seek(SeekFrom::Start(keep)).map(drop)
        };
        cut(&mut file).map_err(|e| StateError::io("cutting back", path, e))?;
        let out = Out::File(file, path.to_owned(), Vec::new());
        Ok(Sink {
            crc: crc32fast::Hasher::new_with_initial_len(crc, keep),
            ..Sink::new(out, format, keep)
        })
    }

    /// Collects each page's records as one batch for the object store of `remote`, which
    /// [`Sink::take_batch`] hands over whole.
    pub fn batches(format: Format, remote: crate::destinations::remote::Remote) -> Sink {
        Sink {
            remote: Some(remote),
            ..Sink::new(Out::Batch(Vec::new()), format, 0)
        }
    }

    /// Where a batch sink's batches and checkpoint go.
    pub fn remote_mut(&mut self) -> Option<&mut crate::destinations::remote::Remote> {
        self.remote.as_mut()
    }

    /// Sets how Logpush records write their time (default: [`Timestamps::Unixnano`]).
    pub fn set_timestamps(&mut self, timestamps: Timestamps) {
        self.timestamps = timestamps;
    }

    /// Whether this sink collects batches for an object store.
    pub fn is_batches(&self) -> bool {
        matches!(self.out, Out::Batch(_))
    }

    /// The records of the batch under way, leaving the next batch empty (a CSV batch
    /// starts with its header, as each object is a file of its own).
    pub fn take_batch(&mut self) -> Vec<u8> {
        match &mut self.out {
            Out::Batch(records) => {
                self.len = 0;
                std::mem::take(records)
            }
            _ => Vec::new(),
        }
    }

    /// Bytes of a file's page under way, not yet written to the file.
    pub fn page_len(&self) -> usize {
        match &self.out {
            Out::File(_, _, page) => page.len(),
            _ => 0,
        }
    }

    /// The length and CRC-32 a file will have once its page under way is written.
    pub fn page_end(&self) -> (u64, u32) {
        let mut crc = self.crc.clone();
        if let Out::File(_, _, page) = &self.out {
            crc.update(page);
        }
        (self.len, crc.finalize())
    }

    /// A file: the CRC-32 of what it holds (once flushed); `None` for any other output.
    pub fn crc(&self) -> Option<u32> {
        matches!(self.out, Out::File(..)).then(|| self.crc.clone().finalize())
    }

    /// Bytes in the output so far (standard output counts what this run wrote).
    pub fn bytes_written(&self) -> u64 {
        self.len
    }

    /// What was written, for a memory sink.
    pub fn contents(&self) -> Option<&[u8]> {
        match &self.out {
            Out::Memory(bytes) => Some(bytes),
            _ => None,
        }
    }

    fn write_bytes(&mut self, bytes: &[u8]) -> io::Result<()> {
        match &mut self.out {
            Out::Stdout(w) => w
                .write_all(bytes)
                .map_err(|e| named(e, "writing to", Path::new("standard output")))?,
            Out::File(_, _, page) => page.extend_from_slice(bytes),
            Out::Memory(w) | Out::Batch(w) => w.extend_from_slice(bytes),
        }
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// Names the source of every record written from now on: in JSON Lines each record is
    /// `{"source": {...}, "entry": {...}}`; in CSV the source's columns come first.
    pub fn set_origin(&mut self, origin: serde_json::Value) {
        self.prefix = format!(r#"{{"source":{origin},"entry":"#).into_bytes();
        self.origin = Some(origin);
    }

    /// Writes one entry of listing `L` (and the CSV header before the first row of an empty
    /// output), from the bytes the server sent, less any whitespace between their tokens
    /// ([`compact`](crate::formats::entry_text::compact)): in JSON Lines those bytes themselves; in OCSF the event mapped from the listing's typed entry `R` (decoded as its
    /// typed stream decodes it), with those bytes as `raw_data`; in CSV the columns of `R`,
    /// then `extra`: every field no other column holds, as JSON.
    pub fn write<L, R>(&mut self, entry: &RawEntry) -> io::Result<()>
    where
        L: Listing<Entry = R>,
        R: Record,
    {
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        let origin = self.origin.as_ref().unwrap_or(&serde_json::Value::Null);
        // One record a line, whatever whitespace the server put between the entry's tokens.
        let text = crate::formats::entry_text::compact(entry.json());
        match self.format {
            Format::Jsonl => {
                line.extend_from_slice(&self.prefix);
                line.extend_from_slice(text.as_bytes());
                line.extend_from_slice(b"}\n");
            }
            Format::Ocsf => {
                let typed: R = entry.decode_as::<L>().map_err(io::Error::other)?;
                let event = typed.ocsf(origin, &text);
                serde_json::to_writer(&mut line, &event)?;
                line.push(b'\n');
            }
            Format::Logpush => {
                let record = crate::formats::logpush::record(R::logpush(), &text, self.timestamps)
                    .map_err(io::Error::other)?;
                line.extend_from_slice(&record);
            }
            Format::Csv => {
                let typed: R = entry.decode_as::<L>().map_err(io::Error::other)?;
                let mut csv = csv::Writer::from_writer(&mut line);
                if self.len == 0 {
                    let header = SOURCE_COLUMNS
                        .iter()
                        .chain(R::columns())
                        .chain(["extra"].iter());
                    csv.write_record(header).map_err(io::Error::other)?;
                }
                let source = SOURCE_COLUMNS.iter().map(|column| {
                    let key = column.trim_start_matches("source.");
                    origin[key].as_str().unwrap_or_default().to_owned()
                });
                let extra = crate::formats::entry_text::rest(&text, R::columns());
                csv.write_record(source.chain(typed.row()).chain([extra]))
                    .map_err(io::Error::other)?;
                csv.flush()?;
            }
        }
        let written = self.write_bytes(&line);
        self.line = line;
        written
    }

    /// Pushes everything written to its destination; for a file, to the disk, so that a
    /// checkpoint written afterwards never runs ahead of the data.
    pub fn flush(&mut self) -> io::Result<()> {
        match &mut self.out {
            Out::Stdout(w) => w
                .flush()
                .map_err(|e| named(e, "writing to", Path::new("standard output"))),
            Out::File(file, path, page) => {
                file.write_all(page)
                    .and_then(|()| file.sync_data())
                    .map_err(|e| named(e, "writing", path))?;
                self.crc.update(page);
                page.clear();
                Ok(())
            }
            Out::Memory(_) | Out::Batch(_) => Ok(()),
        }
    }
}

/// An I/O error that names the operation and the file.
fn named(error: io::Error, op: &str, path: &Path) -> io::Error {
    io::Error::new(error.kind(), format!("{op} {}: {error}", path.display()))
}
