//! [`now`]: the wall clock every room of the bridge stamps events and records with.

use std::time::{SystemTime, UNIX_EPOCH};

/// The current unix time in seconds.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs() as i64)
}
