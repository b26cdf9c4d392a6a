//! The emergency halt: while it is on, side-effecting nodes (orders, allocations,
//! notifications) refuse to run and data nodes go on.
//!
//! Two independent switches turn it on, and it is on while either is:
//! - **a halt file** (`--halt-file PATH`): on while the file exists. The tick loop looks for
//!   it at the start of every tick ([`Halt::check_file`]), so creating the file halts from the
//!   next tick on and deleting it resumes.
//! - **signals** (Unix): `SIGUSR1` turns the halt on, `SIGUSR2` turns it off again
//!   ([`Halt::listen_for_signals`]). `kill -USR1 <pid>` is the operator's big red button.
//!
//! Code that drives a run in-process can also flip the signal switch with [`Halt::set`].

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The halt state of one run. Reading it is two relaxed atomic loads.
#[derive(Debug, Default)]
pub struct Halt {
    /// The switch flipped by signals and [`Halt::set`]; shared with the signal listener task.
    manual: Arc<AtomicBool>,
    /// Whether the halt file existed at the last [`Halt::check_file`].
    file_present: AtomicBool,
    file: Option<PathBuf>,
}

impl Halt {
    /// A halt that is off and has no halt file.
    pub fn off() -> Self {
        Self::default()
    }

    /// A halt that is on while `path` exists (checked by [`Halt::check_file`]).
    pub fn with_file(path: impl Into<PathBuf>) -> Self {
        let halt = Halt {
            file: Some(path.into()),
            ..Self::default()
        };
        halt.check_file();
        halt
    }

    /// Whether effect nodes must refuse right now.
    pub fn is_halted(&self) -> bool {
        self.manual.load(Ordering::Relaxed) || self.file_present.load(Ordering::Relaxed)
    }

    /// Turns the manual (signal) switch on or off. The halt file, if any, still counts.
    pub fn set(&self, on: bool) {
        self.manual.store(on, Ordering::Relaxed);
    }

    /// A handle on the manual switch that outlives borrows of the run's context: code that
    /// drives a run in-process flips the halt from elsewhere with it.
    pub fn switch(&self) -> HaltSwitch {
        HaltSwitch(Arc::clone(&self.manual))
    }

    /// The halt file this halt watches, if any.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Looks for the halt file and returns [`Halt::is_halted`]. Called at the start of every
    /// tick; a file that cannot be inspected (permissions) counts as present, because failing
    /// safe means not trading.
    pub fn check_file(&self) -> bool {
        if let Some(path) = &self.file {
            let present = path.try_exists().unwrap_or(true);
            self.file_present.store(present, Ordering::Relaxed);
        }
        self.is_halted()
    }

    /// Listens for `SIGUSR1` (halt) and `SIGUSR2` (resume) on the current tokio runtime, for
    /// as long as the runtime lives. The handlers are registered before this returns, so a
    /// signal sent right after never takes the default action (which would end the process).
    /// On platforms without these signals it does nothing.
    #[cfg(unix)]
    pub fn listen_for_signals(&self) -> std::io::Result<()> {
        use tokio::signal::unix::{SignalKind, signal};
        let mut on = signal(SignalKind::user_defined1())?;
        let mut off = signal(SignalKind::user_defined2())?;
        let manual = Arc::clone(&self.manual);
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    Some(()) = on.recv() => manual.store(true, Ordering::Relaxed),
                    Some(()) = off.recv() => manual.store(false, Ordering::Relaxed),
                    else => break,
                }
            }
        });
        Ok(())
    }

    /// Signals are not available on this platform; the halt file still works.
    #[cfg(not(unix))]
    pub fn listen_for_signals(&self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The manual halt switch of a run, shareable across threads (see [`Halt::switch`]).
#[derive(Debug, Clone)]
pub struct HaltSwitch(Arc<AtomicBool>);

impl HaltSwitch {
    /// Turns the halt on or off.
    pub fn set(&self, on: bool) {
        self.0.store(on, Ordering::Relaxed);
    }

    /// Whether the manual switch is on (the halt file is not looked at).
    pub fn is_on(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_switch() {
        let h = Halt::off();
        assert!(!h.is_halted());
        h.set(true);
        assert!(h.is_halted());
        h.set(false);
        assert!(!h.is_halted());
        let switch = h.switch();
        switch.set(true);
        assert!(h.is_halted() && switch.is_on());
    }

    #[test]
    fn halt_file_is_checked_when_asked() {
        let dir = std::env::temp_dir().join(format!("flow-halt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("HALT");
        let _ = std::fs::remove_file(&path);
        let h = Halt::with_file(&path);
        assert!(!h.is_halted());
        std::fs::write(&path, b"").unwrap();
        // Not seen until the next check (the start of the next tick).
        assert!(!h.is_halted());
        assert!(h.check_file());
        assert!(h.is_halted());
        std::fs::remove_file(&path).unwrap();
        assert!(!h.check_file());
        // The file and the manual switch are independent.
        h.set(true);
        assert!(h.check_file());
        h.set(false);
        assert!(!h.is_halted());
        let _ = std::fs::remove_dir(&dir);
    }
}
