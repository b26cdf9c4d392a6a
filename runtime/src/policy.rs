//! Run policies from a node's `with { retry, backoff, timeout, breaker }`: the pure parts.
//!
//! - **Retry** applies to transient failures only ([`crate::node::ErrorKind::is_transient`]):
//!   `retry: 3` allows up to four calls. I/O nodes wait between attempts with exponential
//!   backoff (`backoff`, doubled each retry, capped at [`Policy::max_backoff`]) and jitter:
//!   each delay is scaled by a factor in [0.5, 1), drawn from the run seed, the node and the
//!   tick, so a run with the same seed retries on the same schedule. Compute nodes retry at
//!   once: they run on the tick's thread and must not block it.
//! - **Timeout** bounds each attempt of an I/O node; an attempt that overruns fails with
//!   `Timeout`, which is transient and so retried. Compute nodes cannot be interrupted and
//!   have no timeout.
//! - **Circuit breaker** (`breaker: N`): after N consecutive failed calls that say the venue is
//!   unhealthy (transient, rate-limited, timed out, unreadable response) the breaker opens and
//!   the node fails at once with `CircuitOpen`, without calling out. After
//!   [`Policy::cooldown`] on the run's clock it half-opens: the next call is a trial; success
//!   closes it, failure opens it again for another cool-down. A rejected order or a bad input
//!   says nothing about the venue's health and does not count.
//!
//! The waiting itself (tokio timers) lives in [`crate::exec`]; everything here is arithmetic
//! on explicit times, so tests drive it with a hand-moved clock.

use std::time::Duration;

use crate::node::ErrorKind;

/// A node's run policy. Build one with the `const` methods, e.g.
/// `Policy::new().retry(3).backoff_ms(200).timeout_ms(2000)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Extra attempts after the first, for transient failures.
    pub retry: u32,
    /// The wait before the first retry; doubled for each further retry.
    pub backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
    /// The longest one attempt of an I/O node may take.
    pub timeout: Option<Duration>,
    /// Consecutive failed calls that open the circuit breaker.
    pub breaker: Option<u32>,
    /// How long an open breaker stays open before a trial call.
    pub cooldown: Duration,
}

impl Policy {
    /// No retries, no timeout, no breaker; 100 ms base backoff and 30 s cool-down should
    /// retries or a breaker be switched on.
    pub const DEFAULT: Policy = Policy {
        retry: 0,
        backoff: Duration::from_millis(100),
        max_backoff: Duration::from_secs(30),
        timeout: None,
        breaker: None,
        cooldown: Duration::from_secs(30),
    };

    /// [`Policy::DEFAULT`].
    pub const fn new() -> Self {
        Self::DEFAULT
    }

    /// `retry: n`.
    pub const fn retry(mut self, n: u32) -> Self {
        self.retry = n;
        self
    }

    /// `backoff: ms`.
    pub const fn backoff_ms(mut self, ms: u64) -> Self {
        self.backoff = Duration::from_millis(ms);
        self
    }

    /// The cap on the wait between attempts.
    pub const fn max_backoff_ms(mut self, ms: u64) -> Self {
        self.max_backoff = Duration::from_millis(ms);
        self
    }

    /// `timeout: ms`.
    pub const fn timeout_ms(mut self, ms: u64) -> Self {
        self.timeout = Some(Duration::from_millis(ms));
        self
    }

    /// `breaker: n` (0 is taken as 1: a breaker that opens on the first failure).
    pub const fn breaker(mut self, n: u32) -> Self {
        self.breaker = Some(if n == 0 { 1 } else { n });
        self
    }

    /// The breaker's cool-down.
    pub const fn cooldown_ms(mut self, ms: u64) -> Self {
        self.cooldown = Duration::from_millis(ms);
        self
    }

    /// True when the policy changes nothing about a plain call: no retry, no timeout, no
    /// breaker. The executor takes its shortest path then.
    #[inline(always)]
    pub const fn is_plain(&self) -> bool {
        self.retry == 0 && self.timeout.is_none() && self.breaker.is_none()
    }

    /// The wait before retry number `retry` (1 for the first retry): `backoff * 2^(retry-1)`,
    /// capped at `max_backoff`, times a jitter factor in [0.5, 1) drawn from `seed` and `salt`
    /// (the executor salts with the node id and the tick).
    pub fn backoff_delay(&self, seed: u64, salt: u64, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(30);
        let base = self
            .backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        let draw = splitmix64(seed ^ splitmix64(salt ^ u64::from(retry)));
        // The top 53 bits as a fraction in [0, 1).
        let unit = (draw >> 11) as f64 / (1u64 << 53) as f64;
        base.mul_f64(0.5 + 0.5 * unit)
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Whether a failure of this kind counts against the circuit breaker.
pub fn counts_against_breaker(kind: ErrorKind) -> bool {
    kind.is_transient() || kind == ErrorKind::BadResponse
}

/// The state of a circuit breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    /// Calls go through.
    Closed,
    /// Calls fail at once until the cool-down has passed.
    Open { since_ms: i64 },
    /// The cool-down has passed; the next call is a trial.
    HalfOpen,
}

/// One node's circuit breaker; it lives as long as the node's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Breaker {
    state: BreakerState,
    consecutive_failures: u32,
}

impl Default for Breaker {
    fn default() -> Self {
        Self::new()
    }
}

impl Breaker {
    pub const fn new() -> Self {
        Breaker {
            state: BreakerState::Closed,
            consecutive_failures: 0,
        }
    }

    pub fn state(&self) -> BreakerState {
        self.state
    }

    /// Consecutive failed calls so far (reset by a success).
    pub fn consecutive_failures(&self) -> u32 {
        self.consecutive_failures
    }

    /// Whether a call may go out at `now_ms`. An open breaker whose cool-down has passed
    /// becomes half-open and lets the call through as a trial.
    pub fn allow(&mut self, policy: &Policy, now_ms: i64) -> bool {
        match self.state {
            BreakerState::Closed | BreakerState::HalfOpen => true,
            BreakerState::Open { since_ms } => {
                let cooldown = i64::try_from(policy.cooldown.as_millis()).unwrap_or(i64::MAX);
                if now_ms.saturating_sub(since_ms) >= cooldown {
                    self.state = BreakerState::HalfOpen;
                    true
                } else {
                    false
                }
            }
        }
    }

    /// A call succeeded: the breaker closes.
    pub fn on_success(&mut self) {
        self.state = BreakerState::Closed;
        self.consecutive_failures = 0;
    }

    /// A call failed with `kind` at `now_ms`. Returns true when this failure opened the
    /// breaker (further attempts must stop).
    pub fn on_failure(&mut self, policy: &Policy, kind: ErrorKind, now_ms: i64) -> bool {
        let Some(threshold) = policy.breaker else {
            return false;
        };
        if !counts_against_breaker(kind) {
            return false;
        }
        self.consecutive_failures = self.consecutive_failures.saturating_add(1);
        let open =
            matches!(self.state, BreakerState::HalfOpen) || self.consecutive_failures >= threshold;
        if open {
            self.state = BreakerState::Open { since_ms: now_ms };
        }
        open
    }
}

/// SplitMix64: a tiny, well-mixed deterministic generator step. Used for jitter and ids,
/// never for anything that must be unpredictable.
pub const fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a over a string: a stable salt for jitter from a node id.
pub const fn fnv1a(text: &str) -> u64 {
    let bytes = text.as_bytes();
    let mut hash: u64 = 0xCBF2_9CE4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
        i += 1;
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn const_builders() {
        const P: Policy = Policy::new()
            .retry(3)
            .backoff_ms(200)
            .timeout_ms(2000)
            .breaker(5)
            .cooldown_ms(10_000);
        assert_eq!(P.retry, 3);
        assert_eq!(P.backoff, Duration::from_millis(200));
        assert_eq!(P.timeout, Some(Duration::from_secs(2)));
        assert_eq!(P.breaker, Some(5));
        assert_eq!(P.cooldown, Duration::from_secs(10));
        assert!(!P.is_plain());
        assert!(Policy::new().is_plain());
        assert_eq!(Policy::new().breaker(0).breaker, Some(1));
    }

    #[test]
    fn backoff_grows_exponentially_with_bounded_jitter() {
        let p = Policy::new().backoff_ms(100).max_backoff_ms(1_000);
        for retry in 1..=8u32 {
            let base = (100u64 << (retry - 1)).min(1_000);
            let d = p.backoff_delay(42, 7, retry).as_secs_f64() * 1000.0;
            assert!(
                d >= base as f64 * 0.5 - 1e-6 && d < base as f64,
                "retry {retry}: {d} vs {base}"
            );
        }
        // Deterministic for a seed; different for another seed or salt.
        assert_eq!(p.backoff_delay(42, 7, 2), p.backoff_delay(42, 7, 2));
        let others: Vec<_> = (0..8).map(|s| p.backoff_delay(s, 7, 2)).collect();
        assert!(others.windows(2).any(|w| w[0] != w[1]));
        // Absurd retry counts saturate rather than overflow.
        assert!(p.backoff_delay(1, 1, u32::MAX) <= Duration::from_secs(1));
    }

    #[test]
    fn breaker_opens_half_opens_and_closes() {
        let p = Policy::new().breaker(3).cooldown_ms(1_000);
        let mut b = Breaker::new();
        let mut now = 0;
        assert!(b.allow(&p, now));
        assert!(!b.on_failure(&p, ErrorKind::Transient, now));
        assert!(!b.on_failure(&p, ErrorKind::Timeout, now));
        // A success in between resets the count.
        b.on_success();
        assert!(!b.on_failure(&p, ErrorKind::Transient, now));
        assert!(!b.on_failure(&p, ErrorKind::Transient, now));
        // Non-health failures do not count.
        assert!(!b.on_failure(&p, ErrorKind::Rejected, now));
        assert!(!b.on_failure(&p, ErrorKind::InvalidInput, now));
        assert!(b.on_failure(&p, ErrorKind::RateLimited, now));
        assert_eq!(b.state(), BreakerState::Open { since_ms: 0 });
        now = 999;
        assert!(!b.allow(&p, now));
        now = 1_000;
        assert!(b.allow(&p, now));
        assert_eq!(b.state(), BreakerState::HalfOpen);
        // The trial fails: open again for a full cool-down.
        assert!(b.on_failure(&p, ErrorKind::Transient, now));
        assert!(!b.allow(&p, 1_999));
        assert!(b.allow(&p, 2_000));
        b.on_success();
        assert_eq!(b.state(), BreakerState::Closed);
        assert_eq!(b.consecutive_failures(), 0);
        assert!(b.allow(&p, 2_000));
    }

    #[test]
    fn no_breaker_never_opens() {
        let p = Policy::new();
        let mut b = Breaker::new();
        for _ in 0..100 {
            assert!(!b.on_failure(&p, ErrorKind::Transient, 0));
            assert!(b.allow(&p, 0));
        }
    }
}
