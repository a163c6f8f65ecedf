//! The data folder at start-up: checked, created if missing, and locked for the whole run.
//!
//! The lock is an exclusive `flock` on `lizi.lock` in the folder, taken with std's
//! `File::try_lock` (no crate needed): two lizi processes on one folder would both
//! acknowledge writes and then lose one side's on the next start. The kernel drops the lock
//! when the process ends, a crash included, so no stale lock is ever left to clean up. The
//! holder writes its PID into the file after taking the lock, and the XLZ API's address on
//! a second line once it listens; a second lizi only reads them (for its message, and
//! `lizi backup` to reach the running one), and changes nothing in the folder.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};

/// The lock file's name inside the data folder.
pub const LOCK_FILE: &str = "lizi.lock";

/// Why the data folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// The path exists and is something other than a folder.
    #[error("the data folder {0} is not a folder (it is a file or something else); give --data a folder")]
    NotAFolder(PathBuf),
    /// The folder is missing and cannot be created.
    #[error("cannot create the data folder {path}: {cause}")]
    Create {
        /// The folder.
        path: PathBuf,
        /// The system's reason (in the message, so not a separate cause).
        cause: std::io::Error,
    },
    /// The folder cannot be read or written.
    #[error("the data folder {path} is not writable: {cause}")]
    NotWritable {
        /// The folder.
        path: PathBuf,
        /// The system's reason (in the message, so not a separate cause).
        cause: std::io::Error,
    },
    /// Another process holds the folder's lock.
    #[error("the data folder {path} is in use by another lizi{}; stop it or give --data another folder", match pid { Some(pid) => format!(" (PID {pid})"), None => String::new() })]
    InUse {
        /// The folder.
        path: PathBuf,
        /// The holder's PID, when its lock file names one.
        pid: Option<u32>,
    },
}

/// The held lock on a data folder; dropping it releases the folder.
#[derive(Debug)]
pub struct FolderLock {
    file: File,
}

impl FolderLock {
    /// Notes in the lock file where this lizi's XLZ API listens (bound to `bound`), for
    /// `lizi backup`: the loopback address when it is bound to all addresses.
    pub fn announce(&self, bound: SocketAddr) -> std::io::Result<()> {
        let reachable = match bound.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => {
                SocketAddr::new(Ipv4Addr::LOCALHOST.into(), bound.port())
            }
            IpAddr::V6(ip) if ip.is_unspecified() => {
                SocketAddr::new(Ipv6Addr::LOCALHOST.into(), bound.port())
            }
            _ => bound,
        };
        let mut file = &self.file;
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
        write!(file, "{}\n{reachable}\n", std::process::id())
    }
}

/// What the lock file of a folder in use says about the lizi that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    /// Its PID.
    pub pid: Option<u32>,
    /// Where its XLZ API listens, once it does.
    pub api: Option<SocketAddr>,
}

/// Reads the lock file of `dir`.
pub fn holder(dir: &Path) -> Holder {
    let text = std::fs::read_to_string(dir.join(LOCK_FILE)).unwrap_or_default();
    parse_holder(&text)
}

fn parse_holder(text: &str) -> Holder {
    let mut lines = text.lines().map(str::trim);
    Holder {
        pid: lines.next().and_then(|line| line.parse().ok()),
        api: lines.next().and_then(|line| line.parse().ok()),
    }
}

/// Makes sure `dir` is a writable folder (creating it if missing) and locks it for this
/// process. Fails, touching nothing inside the folder, when another process holds it.
pub fn claim(dir: &Path) -> Result<FolderLock, FolderError> {
    let not_writable = |cause| FolderError::NotWritable {
        path: dir.to_owned(),
        cause,
    };
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(FolderError::NotAFolder(dir.to_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(|cause| FolderError::Create {
                path: dir.to_owned(),
                cause,
            })?;
        }
        Err(cause) => return Err(not_writable(cause)),
    }
    // Neither `create` of an existing file nor opening it changes its content.
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(dir.join(LOCK_FILE))
        .map_err(not_writable)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            return Err(FolderError::InUse {
                path: dir.to_owned(),
                pid: parse_holder(&text).pid,
            });
        }
        Err(TryLockError::Error(cause)) => return Err(not_writable(cause)),
    }
    probe_writable(dir).map_err(not_writable)?;
    file.set_len(0)
        .and_then(|()| file.seek(SeekFrom::Start(0)))
        .and_then(|_| writeln!(file, "{}", std::process::id()))
        .map_err(not_writable)?;
    Ok(FolderLock { file })
}

/// Creates and removes a file in `dir`: the database and the journal need to create
/// files there, and an existing lock file being writable does not show that they can
/// (a read-only mount, an immutable folder, and for root permission bits do not apply).
fn probe_writable(dir: &Path) -> std::io::Result<()> {
    let probe = dir.join(".lizi-write-check");
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&probe)?;
    std::fs::remove_file(&probe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_file_names_the_pid_and_then_the_address() {
        assert_eq!(
            parse_holder("42\n"),
            Holder {
                pid: Some(42),
                api: None
            }
        );
        assert_eq!(
            parse_holder("42\n127.0.0.1:10429\n"),
            Holder {
                pid: Some(42),
                api: Some("127.0.0.1:10429".parse().unwrap())
            }
        );
        assert_eq!(
            parse_holder(""),
            Holder {
                pid: None,
                api: None
            }
        );
    }
}
