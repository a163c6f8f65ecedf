//! SIGINT and SIGTERM stop a run at once: every scenario still running or waiting is
//! told, ends as interrupted (its bot and all it started killed), and the run exits with
//! 128 + the signal's number.

use std::fmt;

use tokio::sync::watch;

/// The signal that stopped a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT (Ctrl-C).
    Interrupt,
    /// SIGTERM.
    Terminate,
}

impl Signal {
    /// The exit status of a run it stopped: 130 or 143, as a shell reports a process the
    /// signal killed.
    pub fn exit_code(self) -> i32 {
        match self {
            Signal::Interrupt => 128 + libc::SIGINT,
            Signal::Terminate => 128 + libc::SIGTERM,
        }
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
        })
    }
}

/// Whether, and by which signal, the run was interrupted; clones watch the same run.
#[derive(Debug, Clone)]
pub struct Interrupt(watch::Receiver<Option<Signal>>);

impl Interrupt {
    /// Installs the SIGINT and SIGTERM handlers (inside a runtime) and answers the handle
    /// scenarios watch.
    pub fn install() -> std::io::Result<Interrupt> {
        let (tell, watched) = watch::channel(None);
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let mut interrupt = signal(SignalKind::interrupt())?;
            let mut terminate = signal(SignalKind::terminate())?;
            tokio::spawn(async move {
                let which = tokio::select! {
                    _ = interrupt.recv() => Signal::Interrupt,
                    _ = terminate.recv() => Signal::Terminate,
                };
                let _ = tell.send(Some(which));
                // Later signals are taken here too: the run is stopping already.
                loop {
                    tokio::select! {
                        _ = interrupt.recv() => {}
                        _ = terminate.recv() => {}
                    }
                }
            });
        }
        #[cfg(not(unix))]
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                let _ = tell.send(Some(Signal::Interrupt));
            }
        });
        Ok(Interrupt(watched))
    }

    /// The signal, if one came.
    pub fn signal(&self) -> Option<Signal> {
        *self.0.borrow()
    }

    /// Resolves once a signal came.
    pub async fn wait(&self) -> Signal {
        let mut watched = self.0.clone();
        loop {
            if let Some(signal) = *watched.borrow_and_update() {
                return signal;
            }
            if watched.changed().await.is_err() {
                // No sender any more: no signal will come.
                std::future::pending::<()>().await;
            }
        }
    }
}
