//! An object store output: its prefix, and its checkpoint in the store when it has one.

use crate::destinations::bucket::Bucket;
use crate::destinations::shared_state::SharedState;

/// Where an object store export writes: its batches, and its checkpoint when that is in
/// the store too.
#[derive(Debug)]
pub struct Remote {
    pub bucket: Bucket,
    pub shared: Option<SharedState>,
}
