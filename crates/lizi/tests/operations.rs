//! Running lizi as a service, through the real binary: JSON logs with a line per request,
//! backups of a running lizi, the metrics a dashboard reads, and the Debian package.

mod common;

#[path = "operations/backup.rs"]
mod backup;
#[path = "operations/dashboard.rs"]
mod dashboard;
#[path = "operations/logs.rs"]
mod logs;
#[path = "operations/package.rs"]
mod package;
