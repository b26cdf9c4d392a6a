//! The run's clock, in Unix milliseconds: simulated (moved by the tick loop, so a run is
//! deterministic and never waits) or real (the system clock, for `--realtime` and live runs).
//!
//! Nodes read it with [`Clock::now_ms`] (cooldowns, daily PnL windows, order timestamps); the
//! circuit breaker measures its cool-down on it. Everything that reasons about run time uses
//! this clock rather than the system clock, which is what lets tests move time by hand.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where a simulated run starts when nothing else says: 2024-01-01T00:00:00Z. A fixed start
/// keeps simulated runs (and their day boundaries) identical from one run to the next.
pub const SIM_EPOCH_MS: i64 = 1_704_067_200_000;

/// A clock shared by everything in one run. Cheap to read from any thread.
#[derive(Debug)]
pub struct Clock {
    /// `Some` for a simulated clock: the current time. `None` reads the system clock.
    simulated: Option<AtomicI64>,
}

impl Clock {
    /// A simulated clock standing at `start_ms` (Unix milliseconds) until moved.
    pub fn simulated(start_ms: i64) -> Self {
        Clock {
            simulated: Some(AtomicI64::new(start_ms)),
        }
    }

    /// A simulated clock standing at [`SIM_EPOCH_MS`].
    pub fn sim_default() -> Self {
        Self::simulated(SIM_EPOCH_MS)
    }

    /// The system clock.
    pub fn real() -> Self {
        Clock { simulated: None }
    }

    /// Whether this clock is simulated (moved only by [`Clock::advance`] and [`Clock::set_ms`]).
    pub fn is_simulated(&self) -> bool {
        self.simulated.is_some()
    }

    /// The current time in Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        match &self.simulated {
            Some(ms) => ms.load(Ordering::Relaxed),
            None => system_now_ms(),
        }
    }

    /// Moves a simulated clock forward by `by`. A real clock moves by itself; this is a no-op
    /// there.
    pub fn advance(&self, by: Duration) {
        if let Some(ms) = &self.simulated {
            let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
            // Saturating: a run of absurd length must not wrap into the past.
            let _ = ms.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |now| {
                Some(now.saturating_add(by))
            });
        }
    }

    /// Sets a simulated clock to `now_ms` (replay sets it to each bar's time). No-op on a
    /// real clock.
    pub fn set_ms(&self, now_ms: i64) {
        if let Some(ms) = &self.simulated {
            ms.store(now_ms, Ordering::Relaxed);
        }
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::sim_default()
    }
}

/// The system clock in Unix milliseconds (0 if the system clock is before 1970).
pub fn system_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Reads a bar's date as the CSV wrote it into Unix milliseconds, for replay's clock.
///
/// Accepts RFC 3339 (`2024-03-01T12:00:00Z`), the same with a space and without a zone
/// (`2024-03-01 12:00:00`, taken as UTC), a bare date (`2024-03-01`, midnight UTC), and
/// Unix timestamps in seconds or milliseconds (told apart by size). `None` for anything else.
pub fn parse_bar_time_ms(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) && text.len() <= 16 {
        let n: i64 = text.parse().ok()?;
        // Ten digits is seconds until the year 2286; thirteen is milliseconds.
        return Some(if text.len() <= 11 {
            n.saturating_mul(1000)
        } else {
            n
        });
    }
    let to_ms = |t: SystemTime| {
        t.duration_since(UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_millis()).ok())
    };
    if let Ok(t) = humantime::parse_rfc3339_weak(text) {
        return to_ms(t);
    }
    if let Ok(t) = humantime::parse_rfc3339(text) {
        return to_ms(t);
    }
    // A bare date: 10 characters, `YYYY-MM-DD`.
    if text.len() == 10
        && let Ok(t) = humantime::parse_rfc3339_weak(&format!("{text} 00:00:00"))
    {
        return to_ms(t);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulated_clock_moves_only_when_told() {
        let c = Clock::simulated(1_000);
        assert_eq!(c.now_ms(), 1_000);
        c.advance(Duration::from_secs(60));
        assert_eq!(c.now_ms(), 61_000);
        c.set_ms(5);
        assert_eq!(c.now_ms(), 5);
        assert!(c.is_simulated());
    }

    #[test]
    fn real_clock_reads_the_system_clock() {
        let c = Clock::real();
        assert!(!c.is_simulated());
        assert!(c.now_ms() > SIM_EPOCH_MS);
        c.advance(Duration::from_secs(1)); // no-op, must not panic
    }

    #[test]
    fn bar_times_parse() {
        assert_eq!(parse_bar_time_ms("2024-01-01"), Some(SIM_EPOCH_MS));
        assert_eq!(
            parse_bar_time_ms("2024-01-01 00:01:00"),
            Some(SIM_EPOCH_MS + 60_000)
        );
        assert_eq!(
            parse_bar_time_ms("2024-01-01T00:00:01Z"),
            Some(SIM_EPOCH_MS + 1_000)
        );
        assert_eq!(parse_bar_time_ms("1704067200"), Some(SIM_EPOCH_MS));
        assert_eq!(parse_bar_time_ms("1704067200000"), Some(SIM_EPOCH_MS));
        assert_eq!(parse_bar_time_ms("yesterday"), None);
        assert_eq!(parse_bar_time_ms(""), None);
        assert_eq!(parse_bar_time_ms("99999999999999999"), None);
    }
}
