//! Run policies from a node's `with { retry, backoff, timeout, breaker }`: the pure parts.
//!
//! - **Retry** applies to transient failures only ([`crate::node::ErrorKind::is_transient`]):
//!   `retry: 3` allows up to four calls. I/O nodes wait between attempts with exponential
//!   backoff (`backoff`, doubled each retry, capped at [`MAX_BACKOFF`]) and jitter:
//!   each delay is scaled by a factor in [0.5, 1), drawn from the run seed, the node and the
//!   tick, so a run with the same seed retries on the same schedule. Compute nodes retry at
//!   once: they run on the tick's thread and must not block it.
//! - **Timeout** bounds each attempt of an I/O node; an attempt that overruns fails with
//!   `Timeout`, which is transient and so retried. Compute nodes cannot be interrupted and
//!   have no timeout.
//! - **Circuit breaker** (`breaker: N`): after N consecutive failed calls that say the venue is
//!   unhealthy (transient, rate-limited, timed out, unreadable response) the breaker opens and
//!   the node fails at once with `CircuitOpen`, without calling out. After
//!   [`BREAKER_COOLDOWN`] (30 s) on the run's clock it half-opens: the next call is a trial; success
//!   closes it, failure opens it again for another cool-down. A rejected order or a bad input
//!   says nothing about the venue's health and does not count.
//!
//! The waiting itself (tokio timers) lives in [`crate::exec`]; everything here is arithmetic
//! on explicit times, so tests drive it with a hand-moved clock.

use std::time::Duration;

use crate::node::ErrorKind;

/// A node's run policy, as written in its `with { ... }`: `None` where a key is absent. The
/// fields mirror the checker's policy one for one, so generated code writes a struct literal
/// in a `static`; the accessors resolve the defaults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policy {
    /// `retry`: extra attempts after the first, for transient failures.
    pub retry: Option<u32>,
    /// `backoff`: the wait before the first retry, in ms; doubled for each further retry.
    pub backoff_ms: Option<u64>,
    /// `timeout`: the longest one attempt of an I/O node may take, in ms.
    pub timeout_ms: Option<u64>,
    /// `breaker`: consecutive failed calls that open the circuit breaker.
    pub breaker: Option<u32>,
}

/// The backoff when `retry` is given without `backoff`.
pub const DEFAULT_BACKOFF: Duration = Duration::from_millis(100);
/// The longest wait between two attempts, however many retries.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How long an open breaker stays open before it lets a trial call through.
pub const BREAKER_COOLDOWN: Duration = Duration::from_secs(30);

impl Policy {
    /// No retries, no timeout, no breaker.
    pub const DEFAULT: Policy = Policy {
        retry: None,
        backoff_ms: None,
        timeout_ms: None,
        breaker: None,
    };

    /// [`Policy::DEFAULT`].
    pub const fn new() -> Self {
        Self::DEFAULT
    }

    /// `retry: n`.
    pub const fn with_retry(mut self, n: u32) -> Self {
        self.retry = Some(n);
        self
    }

    /// `backoff: ms`.
    pub const fn with_backoff_ms(mut self, ms: u64) -> Self {
        self.backoff_ms = Some(ms);
        self
    }

    /// `timeout: ms`.
    pub const fn with_timeout_ms(mut self, ms: u64) -> Self {
        self.timeout_ms = Some(ms);
        self
    }

    /// `breaker: n`.
    pub const fn with_breaker(mut self, n: u32) -> Self {
        self.breaker = Some(n);
        self
    }

    /// Extra attempts after the first.
    #[inline(always)]
    pub const fn retries(&self) -> u32 {
        match self.retry {
            Some(n) => n,
            None => 0,
        }
    }

    /// The base backoff.
    pub const fn backoff(&self) -> Duration {
        match self.backoff_ms {
            Some(ms) => Duration::from_millis(ms),
            None => DEFAULT_BACKOFF,
        }
    }

    /// The per-attempt timeout of I/O nodes.
    pub const fn timeout(&self) -> Option<Duration> {
        match self.timeout_ms {
            Some(ms) => Some(Duration::from_millis(ms)),
            None => None,
        }
    }

    /// Consecutive failures that open the breaker (`breaker: 0` is taken as 1).
    pub const fn breaker_threshold(&self) -> Option<u32> {
        match self.breaker {
            Some(0) => Some(1),
            other => other,
        }
    }

    /// True when the policy changes nothing about a plain call: no retry, no timeout, no
    /// breaker. The executor takes its shortest path then.
    #[inline(always)]
    pub const fn is_plain(&self) -> bool {
        self.retries() == 0 && self.timeout_ms.is_none() && self.breaker.is_none()
    }

    /// The wait before retry number `retry` (1 for the first retry): `backoff * 2^(retry-1)`,
    /// capped at [`MAX_BACKOFF`], times a jitter factor in [0.5, 1) drawn from `seed` and
    /// `salt` (the executor salts with the node id and the tick).
    pub fn backoff_delay(&self, seed: u64, salt: u64, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(30);
        let base = self
            .backoff()
            .saturating_mul(1u32 << exponent)
            .min(MAX_BACKOFF);
        let draw = splitmix64(seed ^ splitmix64(salt ^ u64::from(retry)));
        // The top 53 bits as a fraction in [0, 1).
        let unit = (draw >> 11) as f64 / (1u64 << 53) as f64;
        base.mul_f64(0.5 + 0.5 * unit)
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
    pub fn allow(&mut self, now_ms: i64) -> bool {
        match self.state {
            BreakerState::Closed | BreakerState::HalfOpen => true,
            BreakerState::Open { since_ms } => {
                let cooldown = BREAKER_COOLDOWN.as_millis() as i64;
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
        let Some(threshold) = policy.breaker_threshold() else {
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
    fn const_builders_and_defaults() {
        const P: Policy = Policy::new()
            .with_retry(3)
            .with_backoff_ms(200)
            .with_timeout_ms(2000)
            .with_breaker(5);
        assert_eq!(P.retries(), 3);
        assert_eq!(P.backoff(), Duration::from_millis(200));
        assert_eq!(P.timeout(), Some(Duration::from_secs(2)));
        assert_eq!(P.breaker_threshold(), Some(5));
        assert!(!P.is_plain());
        assert!(Policy::new().is_plain());
        assert!(Policy::new().with_retry(0).is_plain());
        assert_eq!(Policy::new().backoff(), DEFAULT_BACKOFF);
        assert_eq!(Policy::new().with_breaker(0).breaker_threshold(), Some(1));
    }

    #[test]
    fn backoff_grows_exponentially_with_bounded_jitter() {
        let p = Policy::new().with_backoff_ms(100);
        for retry in 1..=12u32 {
            let base = (100u64 << (retry - 1)).min(MAX_BACKOFF.as_millis() as u64);
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
        assert!(p.backoff_delay(1, 1, u32::MAX) <= MAX_BACKOFF);
    }

    #[test]
    fn breaker_opens_half_opens_and_closes() {
        let p = Policy::new().with_breaker(3);
        let cool = BREAKER_COOLDOWN.as_millis() as i64;
        let mut b = Breaker::new();
        let mut now = 0;
        assert!(b.allow(now));
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
        now = cool - 1;
        assert!(!b.allow(now));
        now = cool;
        assert!(b.allow(now));
        assert_eq!(b.state(), BreakerState::HalfOpen);
        // The trial fails: open again for a full cool-down.
        assert!(b.on_failure(&p, ErrorKind::Transient, now));
        assert!(!b.allow(2 * cool - 1));
        assert!(b.allow(2 * cool));
        b.on_success();
        assert_eq!(b.state(), BreakerState::Closed);
        assert_eq!(b.consecutive_failures(), 0);
        assert!(b.allow(2 * cool));
    }

    #[test]
    fn no_breaker_never_opens() {
        let p = Policy::new();
        let mut b = Breaker::new();
        for _ in 0..100 {
            assert!(!b.on_failure(&p, ErrorKind::Transient, 0));
            assert!(b.allow(0));
        }
    }
}
