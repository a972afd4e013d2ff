//! How long a replica holds a shared checkpoint: the bounds of a lease, and `--lease` read.

use std::time::Duration;

/// The shortest lease: renewed every third of it, a shorter one would keep the store busy
/// for nothing and hand a source over at every slow request.
pub const MIN_LEASE: Duration = Duration::from_secs(5);
/// The longest lease: a replica that dies holds its sources this long.
pub const MAX_LEASE: Duration = Duration::from_secs(3600);

/// Reads `--lease` (and the config's `lease`): a duration from [`MIN_LEASE`] to
/// [`MAX_LEASE`].
pub fn parse_lease(text: &str) -> Result<Duration, String> {
    let lease = crate::command::units::parse_duration(text)?;
    if lease < MIN_LEASE || lease > MAX_LEASE {
        return Err(format!(
            "a lease of {text} is not between {} s and {} s: a replica renews its lease every \
             third of it, and another takes over only once it has run out",
            MIN_LEASE.as_secs(),
            MAX_LEASE.as_secs()
        ));
    }
    Ok(lease)
}
