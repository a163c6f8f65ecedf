//! The open-file limit: each connection is a file descriptor, and the usual soft limit
//! of 1,024 is far below what the connection cap allows, so lizi raises its soft limit
//! to the hard one at start-up.

/// Raises the soft `RLIMIT_NOFILE` to the hard limit; logs the outcome at debug level.
#[cfg(unix)]
pub fn raise_to_hard() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct it is given and reads nothing else.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        tracing::debug!(
            "reading the open-file limit failed: {}",
            std::io::Error::last_os_error()
        );
        return;
    }
    if limit.rlim_cur >= limit.rlim_max {
        tracing::debug!(
            limit = limit.rlim_cur,
            "open-file limit already at its maximum"
        );
        return;
    }
    let old = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    // SAFETY: setrlimit reads the struct it is given and nothing else.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } != 0 {
        tracing::debug!(
            "raising the open-file limit failed: {}",
            std::io::Error::last_os_error()
        );
        return;
    }
    tracing::debug!(
        from = old,
        to = limit.rlim_cur,
        "raised the open-file limit"
    );
}

/// Nothing to raise where there is no `RLIMIT_NOFILE`.
#[cfg(not(unix))]
pub fn raise_to_hard() {}
