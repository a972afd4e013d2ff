//! One export per output prefix. An export into an object store claims its prefix with one
//! small object, [`CLAIM`], created only if absent: it names the export (a random ID kept in
//! the export's checkpoint), its source and its checkpoint. A second export into the same
//! prefix (another account, other filters, or the same log with another checkpoint) finds
//! the claim and is refused before it writes, so that whoever reads the prefix sees each
//! entry once and knows whose it is, as with Logpush, where each job has a path of its own.
//!
//! The claim sits where the prefix's fixed part ends: `PREFIX/` for a prefix without
//! `{DATE}`, the text before `{DATE}` otherwise (`audit/{DATE}/` claims `audit/`). Its name
//! starts with `_`, which readers of a bucket that skip bookkeeping files skip, and does not
//! end in `.log.gz`, which readers of batches look for.

use chrono::{DateTime, Utc};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStoreExt, PutMode, PutOptions, PutPayload};
use serde::{Deserialize, Serialize};

use crate::destinations::bucket::Bucket;
use crate::state::checkpoint::Checkpoint;
use crate::state::error::StateError;

/// The claim object's name, under the prefix's fixed part.
pub const CLAIM: &str = "_cloudflare-audit-export.json";

/// What a claim holds.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claim {
    /// The export's ID, as its checkpoint records it.
    pub export: String,
    /// Which log with which filters.
    pub source: String,
    /// Where the export keeps its checkpoint, as it was given.
    pub checkpoint: String,
    /// When the prefix was claimed.
    pub claimed: DateTime<Utc>,
}

/// A new export's ID.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// The claim's object name for an output prefix.
pub fn claim_key(prefix: &str) -> String {
    match prefix.split_once("{DATE}") {
        Some((fixed, _)) => format!("{fixed}{CLAIM}"),
        None => match prefix.trim_end_matches('/') {
            "" => CLAIM.to_owned(),
            prefix => format!("{prefix}/{CLAIM}"),
        },
    }
}

/// Whether the prefix is this export's: `Ok(true)` when its claim names `state`'s export,
/// `Ok(false)` when the prefix is unclaimed, [`StateError::Claimed`] when another export
/// claimed it. Reads only: a refused run writes nothing.
pub async fn check(bucket: &Bucket, state: &Checkpoint) -> Result<bool, StateError> {
    match read(bucket).await? {
        None => Ok(false),
        Some(claim) if Some(&claim.export) == state.export.as_ref() => Ok(true),
        Some(claim) => Err(refused(bucket, claim)),
    }
}

/// Claims the prefix for `state`'s export (which has its ID, saved in its checkpoint
/// before), unless another export claims it first.
pub async fn claim(
    bucket: &Bucket,
    state: &Checkpoint,
    checkpoint: &str,
) -> Result<(), StateError> {
    let Some(export) = state.export.clone() else {
        return Err(StateError::Unsupported(
            "an export claims its prefix only once its checkpoint names it".into(),
        ));
    };
    let claim = Claim {
        export,
        source: state.source.clone(),
        checkpoint: checkpoint.to_owned(),
        claimed: Utc::now(),
    };
    let body = serde_json::to_vec_pretty(&claim).expect("a claim is JSON");
    let path = ObjectPath::from(claim_key(&bucket.location.key));
    let store = &bucket.location.store;
    let written = crate::destinations::bucket::with_retries(
        &bucket.location.url,
        "claiming the prefix",
        || {
            let options = PutOptions {
                mode: PutMode::Create,
                ..PutOptions::default()
            };
            store.put_opts(&path, PutPayload::from(body.clone()), options)
        },
    )
    .await;
    match written {
        Ok(_) => Ok(()),
        // Another export claimed it in the meantime, or an attempt the store applied but
        // answered with an error meets itself.
        Err(
            object_store::Error::AlreadyExists { .. } | object_store::Error::Precondition { .. },
        ) => check(bucket, state).await.map(drop),
        Err(e) => Err(failed(bucket, "claiming", e)),
    }
}

/// The prefix's claim, if any.
async fn read(bucket: &Bucket) -> Result<Option<Claim>, StateError> {
    let key = claim_key(&bucket.location.key);
    let path = ObjectPath::from(key.as_str());
    let store = &bucket.location.store;
    let found = crate::destinations::bucket::with_retries(
        &bucket.location.url,
        "reading the prefix's claim",
        || {
            let path = path.clone();
            async move { store.get(&path).await?.bytes().await }
        },
    )
    .await;
    match found {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            StateError::Inconsistent(format!(
                "{key} in {} is not an export's claim ({e}): whatever wrote it shares the \
                 prefix; give this export a prefix of its own",
                bucket.location.url
            ))
        }),
        Err(object_store::Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(failed(bucket, "reading the claim of", e)),
    }
}

fn refused(bucket: &Bucket, claim: Claim) -> StateError {
    StateError::Claimed {
        out: bucket.location.url.clone(),
        claim: claim_key(&bucket.location.key),
        source: claim.source,
        checkpoint: claim.checkpoint,
    }
}

fn failed(bucket: &Bucket, op: &'static str, e: object_store::Error) -> StateError {
    StateError::Store {
        op,
        url: bucket.location.url.clone(),
        message: crate::destinations::store_error::plain_words(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_claim_sits_where_the_prefix_stops_being_fixed() {
        assert_eq!(claim_key("audit/{DATE}/"), format!("audit/{CLAIM}"));
        assert_eq!(
            claim_key("audit/acct-{DATE}"),
            format!("audit/acct-{CLAIM}")
        );
        assert_eq!(claim_key("audit/v2/"), format!("audit/v2/{CLAIM}"));
        assert_eq!(claim_key("audit/v2"), format!("audit/v2/{CLAIM}"));
        assert_eq!(claim_key(""), CLAIM);
        assert_eq!(claim_key("{DATE}"), CLAIM);
    }
}
