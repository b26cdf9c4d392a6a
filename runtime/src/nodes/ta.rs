//! Technical analysis: indicators that accumulate across ticks.
//!
//! Once warmed up (`ready`), values follow TA-Lib's definitions:
//! - `sma`: the mean of the last `period` inputs; ready after `period` inputs.
//! - `ema`: `k = 2 / (period + 1)`, seeded with the SMA of the first `period` inputs, then
//!   `ema += k * (x - ema)`; ready after `period` inputs.
//! - `rsi`: Wilder's smoothing. The first averages are the means of the first `period`
//!   gains and losses (so `period + 1` inputs), then `avg = (avg * (period - 1) + x) /
//!   period`; `rsi = 100 * avg_gain / (avg_gain + avg_loss)`. One deliberate difference:
//!   when nothing moved at all (both averages 0) TA-Lib answers 0, which reads as "extremely
//!   oversold" and would fire buy rules on a frozen market; we answer the neutral 50.
//! - `macd`: TA-Lib's alignment. Both EMAs start at input `slow`: the slow one seeded with
//!   the SMA of the first `slow` inputs, the fast one with the SMA of the `fast` inputs
//!   ending there. The signal line is the EMA(`signal`) of the MACD line, seeded likewise;
//!   ready after `slow + signal - 1` inputs. A `fast` above `slow` is swapped, as TA-Lib does.
//! - `bollinger`: SMA(`period`) ± `k` population standard deviations.
//! - `atr`: true range `max(high - low, |high - prev close|, |low - prev close|)` from the
//!   second bar on; the first ATR is the mean of the first `period` true ranges (ready after
//!   `period + 1` bars), then Wilder's smoothing.
//! - `stddev` (population) and `roc` (`100 * (x / x[period ago] - 1)`) as TA-Lib's STDDEV
//!   with one deviation and ROC.
//!
//! Before `ready`, values are placeholders a strategy must not act on (the mean so far for
//! the averages, 50 for RSI, 0 for MACD); gate on `ready`. Non-finite inputs and periods
//! below 1 (or above [`MAX_PERIOD`]) are `InvalidInput` and leave the state untouched. A
//! period that changes between ticks starts the indicator over.

use std::collections::VecDeque;

use crate::node::NodeError;

/// The longest window an indicator keeps.
pub const MAX_PERIOD: i64 = 1_000_000;

/// A period input as a window length.
fn period(port: &str, p: i64) -> Result<usize, NodeError> {
    if (1..=MAX_PERIOD).contains(&p) {
        Ok(p as usize)
    } else {
        Err(NodeError::invalid(format!(
            "{port} must be between 1 and {MAX_PERIOD}, got {p}"
        )))
    }
}

use super::finite;

/// The last `len` values, oldest first.
#[derive(Debug, Default, Clone)]
struct Window {
    len: usize,
    values: VecDeque<f64>,
}

impl Window {
    /// Starts over when the length changes.
    fn set_len(&mut self, len: usize) {
        if self.len != len {
            self.len = len;
            self.values.clear();
        }
    }

    fn push(&mut self, x: f64) {
        if self.values.len() == self.len {
            self.values.pop_front();
        }
        self.values.push_back(x);
    }

    fn full(&self) -> bool {
        self.values.len() == self.len
    }

    fn mean(&self) -> f64 {
        if self.values.is_empty() {
            0.0
        } else {
            // Summed afresh each time: no running-sum drift over long runs.
            self.values.iter().sum::<f64>() / self.values.len() as f64
        }
    }

    /// Population standard deviation (two-pass, for accuracy).
    fn std_dev(&self) -> f64 {
        if self.values.is_empty() {
            return 0.0;
        }
        let m = self.mean();
        let var =
            self.values.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / self.values.len() as f64;
        var.max(0.0).sqrt()
    }
}

/// A TA-Lib EMA as a running state: seeded with the SMA of its first `period` inputs.
#[derive(Debug, Default, Clone)]
struct Ema {
    period: usize,
    count: usize,
    sum: f64,
    value: f64,
}

impl Ema {
    fn new(period: usize) -> Ema {
        Ema {
            period,
            ..Ema::default()
        }
    }

    fn k(&self) -> f64 {
        2.0 / (self.period as f64 + 1.0)
    }

    fn push(&mut self, x: f64) {
        self.count = self.count.saturating_add(1);
        if self.count <= self.period {
            self.sum += x;
            self.value = self.sum / self.count as f64;
        } else {
            self.value += self.k() * (x - self.value);
        }
    }

    /// Starts from an explicit seed (the SMA TA-Lib's MACD computes).
    fn seeded(period: usize, seed: f64) -> Ema {
        Ema {
            period,
            count: period,
            sum: 0.0,
            value: seed,
        }
    }

    fn ready(&self) -> bool {
        self.count >= self.period
    }
}

/// Simple moving average.
pub mod sma {
    use super::{Window, finite, period};

    use crate::node::NodeError;

    node! {
        kind "ta.sma", compute, step;
        in { input: f64, period: i64 }
        out { value: f64, ready: bool }
    }

    #[derive(Debug, Default)]
    pub struct Node {
        window: Window,
    }

    impl Node {
        /// One tick without a context.
        pub fn step(&mut self, i: In) -> Result<Out, NodeError> {
            let x = finite("input", i.input)?;
            let len = period("period", i.period)?;
            self.window.set_len(len);
            self.window.push(x);
            Ok(Out {
                value: self.window.mean(),
                ready: self.window.full(),
            })
        }
    }
}

/// Exponential moving average (TA-Lib: seeded with the SMA of the first `period` inputs).
pub mod ema {
    use super::{Ema, finite, period};

    use crate::node::NodeError;

    node! {
        kind "ta.ema", compute, step;
        in { input: f64, period: i64 }
        out { value: f64, ready: bool }
    }

    #[derive(Debug, Default)]
    pub struct Node {
        ema: Ema,
    }

    impl Node {
        pub fn step(&mut self, i: In) -> Result<Out, NodeError> {
            let x = finite("input", i.input)?;
            let len = period("period", i.period)?;
            if self.ema.period != len {
                self.ema = Ema::new(len);
            }
            self.ema.push(x);
            Ok(Out {
                value: self.ema.value,
                ready: self.ema.ready(),
            })
        }
    }
}

/// Relative strength index with Wilder's smoothing.
pub mod rsi {
    use super::{finite, period};

    use crate::node::NodeError;

    node! {
        kind "ta.rsi", compute, step;
        in { input: f64, period: i64 }
        out { value: f64, ready: bool }
    }

    #[derive(Debug, Default)]
    pub struct Node {
        period: usize,
        prev: Option<f64>,
        changes: usize,
        sum_gain: f64,
        sum_loss: f64,
        avg_gain: f64,
        avg_loss: f64,
    }

    impl Node {
        pub fn step(&mut self, i: In) -> Result<Out, NodeError> {
            let x = finite("input", i.input)?;
            let n = period("period", i.period)?;
            if self.period != n {
                *self = Node {
                    period: n,
                    ..Node::default()
                };
            }
            let Some(prev) = self.prev.replace(x) else {
                return Ok(Out {
                    value: 50.0,
                    ready: false,
                });
            };
            let change = x - prev;
            let (gain, loss) = if change > 0.0 {
                (change, 0.0)
            } else {
                (0.0, -change)
            };
            self.changes = self.changes.saturating_add(1);
            let nf = n as f64;
            if self.changes <= n {
                // Sum the first `period` changes; their means seed the averages (TA-Lib
                // divides the sums once, so do we).
                self.sum_gain += gain;
                self.sum_loss += loss;
                self.avg_gain = self.sum_gain / nf;
                self.avg_loss = self.sum_loss / nf;
            } else {
                self.avg_gain = (self.avg_gain * (nf - 1.0) + gain) / nf;
                self.avg_loss = (self.avg_loss * (nf - 1.0) + loss) / nf;
            }
            let ready = self.changes >= n;
            let total = self.avg_gain + self.avg_loss;
            let value = if !ready || total == 0.0 {
                50.0
            } else {
                100.0 * self.avg_gain / total
            };
            Ok(Out { value, ready })
        }
    }
}

/// MACD with TA-Lib's alignment.
pub mod macd {
    use super::{Ema, finite, period};

    use crate::node::NodeError;

    node! {
        kind "ta.macd", compute, step;
        in { input: f64, fast: i64, slow: i64, signal: i64 }
        out { macd: f64, signal: f64, histogram: f64, ready: bool }
    }

    #[derive(Debug, Default)]
    pub struct Node {
        params: (usize, usize, usize),
        /// The first `slow` inputs, until both EMAs can be seeded.
        warmup: Vec<f64>,
        emas: Option<(Ema, Ema)>,
        signal: Ema,
    }

    impl Node {
        pub fn step(&mut self, i: In) -> Result<Out, NodeError> {
            let x = finite("input", i.input)?;
            let mut fast = period("fast", i.fast)?;
            let mut slow = period("slow", i.slow)?;
            let signal = period("signal", i.signal)?;
            if slow < fast {
                std::mem::swap(&mut fast, &mut slow);
            }
            if self.params != (fast, slow, signal) {
                *self = Node {
                    params: (fast, slow, signal),
                    ..Node::default()
                };
                self.signal = Ema::new(signal);
            }
            let idle = Out {
                macd: 0.0,
                signal: 0.0,
                histogram: 0.0,
                ready: false,
            };
            let line = match &mut self.emas {
                Some((f, s)) => {
                    f.push(x);
                    s.push(x);
                    f.value - s.value
                }
                None => {
                    self.warmup.push(x);
                    if self.warmup.len() < slow {
                        return Ok(idle);
                    }
                    let slow_seed = self.warmup.iter().sum::<f64>() / slow as f64;
                    let fast_seed = self.warmup[slow - fast..].iter().sum::<f64>() / fast as f64;
                    self.warmup = Vec::new();
                    self.emas = Some((Ema::seeded(fast, fast_seed), Ema::seeded(slow, slow_seed)));
                    fast_seed - slow_seed
                }
            };
            self.signal.push(line);
            let ready = self.signal.ready();
            let sig = if ready { self.signal.value } else { 0.0 };
            Ok(Out {
                macd: if ready { line } else { 0.0 },
                signal: sig,
                histogram: if ready { line - sig } else { 0.0 },
                ready,
            })
        }
    }
}

/// Bollinger bands with the population standard deviation.
pub mod bollinger {
    use super::{Window, finite, period};

    use crate::node::NodeError;

    node! {
        kind "ta.bollinger", compute, step;
        in { input: f64, period: i64, k: f64 }
        out { upper: f64, middle: f64, lower: f64, ready: bool }
    }

    #[derive(Debug, Default)]
    pub struct Node {
        window: Window,
    }

    impl Node {
        pub fn step(&mut self, i: In) -> Result<Out, NodeError> {
            let x = finite("input", i.input)?;
            let len = period("period", i.period)?;
            let k = finite("k", i.k)?;
            if k < 0.0 {
                return Err(NodeError::invalid(format!(
                    "k must not be negative, got {k}"
                )));
            }
            self.window.set_len(len);
            self.window.push(x);
            let middle = self.window.mean();
            let band = k * self.window.std_dev();
            Ok(Out {
                upper: middle + band,
                middle,
                lower: middle - band,
                ready: self.window.full(),
            })
        }
    }
}

/// Average true range with Wilder's smoothing.
pub mod atr {
    use super::{finite, period};

    use crate::node::NodeError;

    node! {
        kind "ta.atr", compute, step;
        in { high: f64, low: f64, close: f64, period: i64 }
        out { value: f64, ready: bool }
    }

    #[derive(Debug, Default)]
    pub struct Node {
        period: usize,
        prev_close: Option<f64>,
        ranges: usize,
        sum: f64,
        value: f64,
    }

    impl Node {
        pub fn step(&mut self, i: In) -> Result<Out, NodeError> {
            let high = finite("high", i.high)?;
            let low = finite("low", i.low)?;
            let close = finite("close", i.close)?;
            let n = period("period", i.period)?;
            if high < low {
                return Err(NodeError::invalid(format!(
                    "high {high} is below low {low}"
                )));
            }
            if self.period != n {
                *self = Node {
                    period: n,
                    ..Node::default()
                };
            }
            let Some(prev) = self.prev_close.replace(close) else {
                return Ok(Out {
                    value: 0.0,
                    ready: false,
                });
            };
            let tr = (high - low)
                .max((high - prev).abs())
                .max((low - prev).abs());
            self.ranges = self.ranges.saturating_add(1);
            let nf = n as f64;
            if self.ranges <= n {
                // The mean of the true ranges so far; at `period` it is the seed.
                self.sum += tr;
                self.value = self.sum / self.ranges as f64;
            } else {
                self.value = (self.value * (nf - 1.0) + tr) / nf;
            }
            Ok(Out {
                value: self.value,
                ready: self.ranges >= n,
            })
        }
    }
}

/// `up` on the tick `a` crosses above `b`, `down` on the tick it crosses below. Touching
/// `b` and turning back is not a cross: the side is the last one `a` was strictly on.
pub mod crossover {
    use super::finite;

    use crate::node::NodeError;

    node! {
        kind "ta.crossover", compute, step;
        in { a: f64, b: f64 }
        out { up: bool, down: bool }
    }

    #[derive(Debug, Default)]
    pub struct Node {
        /// -1 below, 1 above, 0 not yet strictly on a side.
        side: i8,
    }

    impl Node {
        pub fn step(&mut self, i: In) -> Result<Out, NodeError> {
            let a = finite("a", i.a)?;
            let b = finite("b", i.b)?;
            let now: i8 = if a > b {
                1
            } else if a < b {
                -1
            } else {
                0
            };
            let out = Out {
                up: self.side == -1 && now == 1,
                down: self.side == 1 && now == -1,
            };
            if now != 0 {
                self.side = now;
            }
            Ok(out)
        }
    }
}

/// `spike` when `volume` exceeds `factor` times the mean of the previous `period` volumes;
/// `ratio` is volume over that mean (0 while there is no previous volume or the mean is 0).
pub mod volume_spike {
    use super::{Window, finite, period};

    use crate::node::NodeError;

    node! {
        kind "ta.volume_spike", compute, step;
        in { volume: f64, period: i64, factor: f64 }
        out { spike: bool, ratio: f64 }
    }

    #[derive(Debug, Default)]
    pub struct Node {
        previous: Window,
    }

    impl Node {
        pub fn step(&mut self, i: In) -> Result<Out, NodeError> {
            let v = finite("volume", i.volume)?;
            let len = period("period", i.period)?;
            let factor = finite("factor", i.factor)?;
            if v < 0.0 {
                return Err(NodeError::invalid(format!(
                    "volume must not be negative, got {v}"
                )));
            }
            self.previous.set_len(len);
            // Only a full window of previous volumes can call a spike.
            let out = if self.previous.full() {
                let mean = self.previous.mean();
                let ratio = if mean > 0.0 { v / mean } else { 0.0 };
                Out {
                    spike: v > factor * mean,
                    ratio,
                }
            } else {
                Out {
                    spike: false,
                    ratio: 0.0,
                }
            };
            self.previous.push(v);
            Ok(out)
        }
    }
}

macro_rules! rolling_extreme {
    ($module:ident, $kind:literal, $doc:literal, $fold:expr) => {
        #[doc = $doc]
        pub mod $module {
            use super::{Window, finite, period};
            use crate::ctx::Ctx;
            use crate::node::{Compute, NodeError};

            node! {
                kind $kind, compute;
                in { input: f64, period: i64 }
                out { value: f64, ready: bool }
            }

            #[derive(Debug, Default)]
            pub struct Node {
                window: Window,
            }

            impl Node {
                pub fn step(&mut self, i: In) -> Result<Out, NodeError> {
                    let x = finite("input", i.input)?;
                    let len = period("period", i.period)?;
                    self.window.set_len(len);
                    self.window.push(x);
                    let fold: fn(f64, f64) -> f64 = $fold;
                    let value = self.window.values.iter().copied().fold(x, fold);
                    Ok(Out {
                        value,
                        ready: self.window.full(),
                    })
                }
            }

            impl Compute for Node {
                fn run(&mut self, _cx: &Ctx, input: In) -> Result<Out, NodeError> {
                    self.step(input)
                }
            }
        }
    };
}

rolling_extreme!(
    highest,
    "ta.highest",
    "Highest of the last `period` inputs.",
    f64::max
);
rolling_extreme!(
    lowest,
    "ta.lowest",
    "Lowest of the last `period` inputs.",
    f64::min
);

/// Rate of change in percent: `100 * (x / x[period ago] - 1)` (TA-Lib's ROC).
pub mod roc {
    use super::{Window, finite, period};

    use crate::node::NodeError;

    node! {
        kind "ta.roc", compute, step;
        in { input: f64, period: i64 }
        out { value: f64, ready: bool }
    }

    #[derive(Debug, Default)]
    pub struct Node {
        window: Window,
    }

    impl Node {
        pub fn step(&mut self, i: In) -> Result<Out, NodeError> {
            let x = finite("input", i.input)?;
            let len = period("period", i.period)?;
            // The window holds the current input and the `period` before it.
            self.window.set_len(len + 1);
            self.window.push(x);
            let ready = self.window.full();
            let base = self.window.values.front().copied().unwrap_or(x);
            let value = if ready && base != 0.0 {
                100.0 * (x / base - 1.0)
            } else {
                0.0
            };
            Ok(Out { value, ready })
        }
    }
}

/// Population standard deviation of the last `period` inputs.
pub mod stddev {
    use super::{Window, finite, period};

    use crate::node::NodeError;

    node! {
        kind "ta.stddev", compute, step;
        in { input: f64, period: i64 }
        out { value: f64, ready: bool }
    }

    #[derive(Debug, Default)]
    pub struct Node {
        window: Window,
    }

    impl Node {
        pub fn step(&mut self, i: In) -> Result<Out, NodeError> {
            let x = finite("input", i.input)?;
            let len = period("period", i.period)?;
            self.window.set_len(len);
            self.window.push(x);
            Ok(Out {
                value: self.window.std_dev(),
                ready: self.window.full(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    //! Reference values come from independent, array-based implementations of the TA-Lib
    //! definitions written here (whole-series loops, as TA-Lib computes them), and from small
    //! hand-computed cases; never from the streaming code under test.

    use super::*;
    use crate::node::ErrorKind;

    /// A deterministic, wiggly price series (its own LCG, not the crate's generator).
    fn series(n: usize) -> Vec<f64> {
        let mut state: u64 = 12_345;
        let mut p = 100.0;
        (0..n)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let u = (state >> 11) as f64 / (1u64 << 53) as f64;
                p += (u - 0.5) * 4.0;
                p
            })
            .collect()
    }

    fn near(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
    }

    /// TA-Lib EMA over `x`, seeded at index `start` with the SMA of the `p` inputs ending
    /// there; `None` before `start`.
    fn ref_ema(x: &[f64], p: usize, start: usize) -> Vec<Option<f64>> {
        let k = 2.0 / (p as f64 + 1.0);
        let mut out = vec![None; x.len()];
        if start >= x.len() || start + 1 < p {
            return out;
        }
        let mut v = x[start + 1 - p..=start].iter().sum::<f64>() / p as f64;
        out[start] = Some(v);
        for i in start + 1..x.len() {
            v = (x[i] - v) * k + v;
            out[i] = Some(v);
        }
        out
    }

    fn ref_rsi(x: &[f64], p: usize) -> Vec<Option<f64>> {
        let mut out = vec![None; x.len()];
        if x.len() <= p {
            return out;
        }
        let (mut g, mut l) = (0.0, 0.0);
        for i in 1..=p {
            let d = x[i] - x[i - 1];
            if d < 0.0 {
                l -= d;
            } else {
                g += d;
            }
        }
        g /= p as f64;
        l /= p as f64;
        out[p] = Some(100.0 * g / (g + l));
        for i in p + 1..x.len() {
            let d = x[i] - x[i - 1];
            let (gi, li) = if d < 0.0 { (0.0, -d) } else { (d, 0.0) };
            g = (g * (p as f64 - 1.0) + gi) / p as f64;
            l = (l * (p as f64 - 1.0) + li) / p as f64;
            out[i] = Some(100.0 * g / (g + l));
        }
        out
    }

    #[test]
    fn sma_matches_the_definition() {
        let x = series(60);
        let mut n = sma::Node::default();
        for (i, &v) in x.iter().enumerate() {
            let o = n
                .step(sma::In {
                    input: v,
                    period: 10,
                })
                .expect("valid");
            assert_eq!(o.ready, i >= 9, "tick {i}");
            if o.ready {
                let want = x[i - 9..=i].iter().sum::<f64>() / 10.0;
                assert!(near(o.value, want), "tick {i}: {} vs {want}", o.value);
            }
        }
    }

    #[test]
    fn ema_matches_talib() {
        let x = series(80);
        for p in [1, 5, 12] {
            let want = ref_ema(&x, p, p - 1);
            let mut n = ema::Node::default();
            for (i, &v) in x.iter().enumerate() {
                let o = n
                    .step(ema::In {
                        input: v,
                        period: p as i64,
                    })
                    .expect("valid");
                assert_eq!(o.ready, want[i].is_some(), "p {p} tick {i}");
                if let Some(w) = want[i] {
                    assert!(near(o.value, w), "p {p} tick {i}: {} vs {w}", o.value);
                }
            }
        }
        // By hand: period 3 on 1, 2, 3, 4: seed 2, then 2 + 0.5 * (4 - 2) = 3.
        let mut n = ema::Node::default();
        let outs: Vec<_> = [1.0, 2.0, 3.0, 4.0]
            .iter()
            .map(|&v| {
                n.step(ema::In {
                    input: v,
                    period: 3,
                })
                .expect("ok")
            })
            .collect();
        assert_eq!(
            (outs[2].value, outs[2].ready, outs[3].value),
            (2.0, true, 3.0)
        );
        assert!(!outs[1].ready);
    }

    #[test]
    fn rsi_matches_talib_wilder() {
        let x = series(120);
        for p in [2, 14] {
            let want = ref_rsi(&x, p);
            let mut n = rsi::Node::default();
            for (i, &v) in x.iter().enumerate() {
                let o = n
                    .step(rsi::In {
                        input: v,
                        period: p as i64,
                    })
                    .expect("valid");
                assert_eq!(o.ready, want[i].is_some(), "p {p} tick {i}");
                if let Some(w) = want[i] {
                    assert!(near(o.value, w), "p {p} tick {i}: {} vs {w}", o.value);
                }
                assert!((0.0..=100.0).contains(&o.value));
            }
        }
        // By hand, period 2 on 1, 2, 3, 2: gains 1, 1 → 100; then gain 0.5, loss 0.5 → 50.
        let mut n = rsi::Node::default();
        let v: Vec<f64> = [1.0, 2.0, 3.0, 2.0]
            .iter()
            .map(|&x| {
                n.step(rsi::In {
                    input: x,
                    period: 2,
                })
                .expect("ok")
                .value
            })
            .collect();
        assert_eq!(v[2..], [100.0, 50.0]);
        // A frozen market reads neutral, not "oversold".
        let mut n = rsi::Node::default();
        let last = (0..20)
            .map(|_| {
                n.step(rsi::In {
                    input: 5.0,
                    period: 14,
                })
                .expect("ok")
            })
            .last()
            .expect("ran");
        assert!(last.ready);
        assert_eq!(last.value, 50.0);
    }

    #[test]
    fn macd_matches_talib_alignment() {
        let x = series(150);
        let (fast, slow, sig) = (12, 26, 9);
        let f = ref_ema(&x, fast, slow - 1);
        let s = ref_ema(&x, slow, slow - 1);
        let line: Vec<f64> = (slow - 1..x.len())
            .map(|i| f[i].expect("f") - s[i].expect("s"))
            .collect();
        let signal = ref_ema(&line, sig, sig - 1);
        let mut n = macd::Node::default();
        let mut ready_at = None;
        for (i, &v) in x.iter().enumerate() {
            let o = n
                .step(macd::In {
                    input: v,
                    fast: fast as i64,
                    slow: slow as i64,
                    signal: sig as i64,
                })
                .expect("ok");
            let j = i.checked_sub(slow - 1);
            let want = j.and_then(|j| signal[j].map(|sg| (line[j], sg)));
            assert_eq!(o.ready, want.is_some(), "tick {i}");
            if let Some((m, sg)) = want {
                ready_at.get_or_insert(i);
                assert!(
                    near(o.macd, m) && near(o.signal, sg) && near(o.histogram, m - sg),
                    "tick {i}"
                );
            }
        }
        assert_eq!(
            ready_at,
            Some(slow + sig - 2),
            "TA-Lib's lookback is slow + signal - 2"
        );
        // The fast EMA is seeded with the `fast` inputs ending at the slow seed, not the
        // first `fast` inputs: the naive seeding gives a different first MACD.
        let naive = ref_ema(&x, fast, fast - 1);
        assert!((naive[slow - 1].expect("naive") - f[slow - 1].expect("talib")).abs() > 1e-6);
        // Swapped periods behave as TA-Lib: fast and slow are exchanged.
        let mut a = macd::Node::default();
        let mut b = macd::Node::default();
        for &v in &x {
            let oa = a
                .step(macd::In {
                    input: v,
                    fast: 12,
                    slow: 26,
                    signal: 9,
                })
                .expect("ok");
            let ob = b
                .step(macd::In {
                    input: v,
                    fast: 26,
                    slow: 12,
                    signal: 9,
                })
                .expect("ok");
            assert_eq!(oa, ob);
        }
    }

    #[test]
    fn bollinger_uses_population_deviation() {
        let x = series(50);
        let mut n = bollinger::Node::default();
        for (i, &v) in x.iter().enumerate() {
            let o = n
                .step(bollinger::In {
                    input: v,
                    period: 20,
                    k: 2.0,
                })
                .expect("ok");
            assert_eq!(o.ready, i >= 19);
            if o.ready {
                let w = &x[i - 19..=i];
                let m = w.iter().sum::<f64>() / 20.0;
                let sd = (w.iter().map(|a| (a - m).powi(2)).sum::<f64>() / 20.0).sqrt();
                assert!(
                    near(o.middle, m) && near(o.upper, m + 2.0 * sd) && near(o.lower, m - 2.0 * sd)
                );
            }
        }
        // By hand: 2, 4, 4, 4, 5, 5, 7, 9 has mean 5 and population deviation 2.
        let mut n = bollinger::Node::default();
        let mut last = None;
        for v in [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] {
            last = Some(
                n.step(bollinger::In {
                    input: v,
                    period: 8,
                    k: 1.5,
                })
                .expect("ok"),
            );
        }
        let o = last.expect("ran");
        assert_eq!((o.middle, o.upper, o.lower), (5.0, 8.0, 2.0));
        assert!(
            n.step(bollinger::In {
                input: 1.0,
                period: 8,
                k: -1.0
            })
            .is_err()
        );
    }

    #[test]
    fn atr_matches_talib_wilder() {
        let c = series(60);
        let bars: Vec<(f64, f64, f64)> = c
            .iter()
            .enumerate()
            .map(|(i, &x)| (x + 1.0 + (i % 3) as f64, x - 1.0 - (i % 2) as f64, x))
            .collect();
        let p = 14;
        let tr: Vec<f64> = (1..bars.len())
            .map(|i| {
                let (h, l, _) = bars[i];
                let pc = bars[i - 1].2;
                (h - l).max((h - pc).abs()).max((l - pc).abs())
            })
            .collect();
        let mut want = vec![None; bars.len()];
        let mut atr = tr[..p].iter().sum::<f64>() / p as f64;
        want[p] = Some(atr);
        for i in p + 1..bars.len() {
            atr = (atr * (p as f64 - 1.0) + tr[i - 1]) / p as f64;
            want[i] = Some(atr);
        }
        let mut n = atr::Node::default();
        for (i, &(h, l, cl)) in bars.iter().enumerate() {
            let o = n
                .step(atr::In {
                    high: h,
                    low: l,
                    close: cl,
                    period: p as i64,
                })
                .expect("ok");
            assert_eq!(o.ready, want[i].is_some(), "tick {i}");
            if let Some(w) = want[i] {
                assert!(near(o.value, w), "tick {i}: {} vs {w}", o.value);
            }
        }
        // By hand, period 2: true ranges 2, 2, then 4 → ATR 2, then (2 + 4) / 2 = 3.
        let mut n = atr::Node::default();
        let v: Vec<atr::Out> = [
            (10.0, 8.0, 9.0),
            (11.0, 9.0, 10.0),
            (12.0, 10.0, 11.0),
            (11.0, 7.0, 8.0),
        ]
        .iter()
        .map(|&(high, low, close)| {
            n.step(atr::In {
                high,
                low,
                close,
                period: 2,
            })
            .expect("ok")
        })
        .collect();
        assert_eq!(
            (v[1].ready, v[2].value, v[2].ready, v[3].value),
            (false, 2.0, true, 3.0)
        );
        let e = n
            .step(atr::In {
                high: 1.0,
                low: 2.0,
                close: 1.5,
                period: 2,
            })
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
    }

    #[test]
    fn crossover_fires_once_per_cross() {
        let mut n = crossover::Node::default();
        let seq = [
            (1.0, 2.0),
            (3.0, 2.0),
            (4.0, 2.0),
            (2.0, 2.0),
            (3.0, 2.0),
            (1.0, 2.0),
            (2.0, 2.0),
            (1.5, 2.0),
            (5.0, 2.0),
        ];
        let got: Vec<(bool, bool)> = seq
            .iter()
            .map(|&(a, b)| {
                let o = n.step(crossover::In { a, b }).expect("ok");
                (o.up, o.down)
            })
            .collect();
        let f = (false, false);
        // Touching 2 from above and rising again is no cross; from below it is.
        assert_eq!(
            got,
            vec![
                f,
                (true, false),
                f,
                f,
                f,
                (false, true),
                f,
                f,
                (true, false)
            ]
        );
    }

    #[test]
    fn volume_spike_compares_with_previous_volumes() {
        let mut n = volume_spike::Node::default();
        let mut step = |v: f64| {
            n.step(volume_spike::In {
                volume: v,
                period: 3,
                factor: 2.0,
            })
            .expect("ok")
        };
        for v in [10.0, 10.0, 10.0] {
            assert!(!step(v).spike);
        }
        let o = step(25.0);
        assert!(o.spike);
        assert_eq!(o.ratio, 2.5);
        // The mean of 10, 10, 25 is 15: 30 is exactly 2x, not above it.
        let o = step(30.0);
        assert!(!o.spike);
        assert_eq!(o.ratio, 2.0);
        assert!(
            n.step(volume_spike::In {
                volume: -1.0,
                period: 3,
                factor: 2.0
            })
            .is_err()
        );
    }

    #[test]
    fn highest_lowest_roc_and_stddev() {
        let x = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
        let mut hi = highest::Node::default();
        let mut lo = lowest::Node::default();
        let mut roc = roc::Node::default();
        let mut sd = stddev::Node::default();
        for (i, &v) in x.iter().enumerate() {
            let h = hi
                .step(highest::In {
                    input: v,
                    period: 3,
                })
                .expect("ok");
            let l = lo
                .step(lowest::In {
                    input: v,
                    period: 3,
                })
                .expect("ok");
            let w = &x[i.saturating_sub(2)..=i];
            assert_eq!(h.value, w.iter().copied().fold(f64::MIN, f64::max));
            assert_eq!(l.value, w.iter().copied().fold(f64::MAX, f64::min));
            assert_eq!(h.ready, i >= 2);
            let r = roc
                .step(roc::In {
                    input: v,
                    period: 2,
                })
                .expect("ok");
            assert_eq!(r.ready, i >= 2);
            if r.ready {
                assert!(near(r.value, 100.0 * (v / x[i - 2] - 1.0)));
            }
            let s = sd
                .step(stddev::In {
                    input: v,
                    period: 3,
                })
                .expect("ok");
            if s.ready {
                let m = w.iter().sum::<f64>() / 3.0;
                assert!(near(
                    s.value,
                    (w.iter().map(|a| (a - m).powi(2)).sum::<f64>() / 3.0).sqrt()
                ));
            }
        }
    }

    #[test]
    fn bad_inputs_are_rejected_without_poisoning_state() {
        let x = series(40);
        let mut clean = rsi::Node::default();
        let mut dirty = rsi::Node::default();
        for (i, &v) in x.iter().enumerate() {
            let want = clean
                .step(rsi::In {
                    input: v,
                    period: 5,
                })
                .expect("ok");
            if i % 7 == 3 {
                for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                    let e = dirty
                        .step(rsi::In {
                            input: bad,
                            period: 5,
                        })
                        .unwrap_err();
                    assert_eq!(e.kind, ErrorKind::InvalidInput);
                }
                let e = dirty
                    .step(rsi::In {
                        input: v,
                        period: 0,
                    })
                    .unwrap_err();
                assert_eq!(e.kind, ErrorKind::InvalidInput);
            }
            assert_eq!(
                dirty
                    .step(rsi::In {
                        input: v,
                        period: 5
                    })
                    .expect("ok"),
                want,
                "tick {i}"
            );
        }
        for p in [0, -3, MAX_PERIOD + 1] {
            assert!(
                sma::Node::default()
                    .step(sma::In {
                        input: 1.0,
                        period: p
                    })
                    .is_err()
            );
            assert!(
                ema::Node::default()
                    .step(ema::In {
                        input: 1.0,
                        period: p
                    })
                    .is_err()
            );
            assert!(
                atr::Node::default()
                    .step(atr::In {
                        high: 1.0,
                        low: 1.0,
                        close: 1.0,
                        period: p
                    })
                    .is_err()
            );
            assert!(
                macd::Node::default()
                    .step(macd::In {
                        input: 1.0,
                        fast: p,
                        slow: 26,
                        signal: 9
                    })
                    .is_err()
            );
            assert!(
                bollinger::Node::default()
                    .step(bollinger::In {
                        input: 1.0,
                        period: p,
                        k: 2.0
                    })
                    .is_err()
            );
            assert!(
                highest::Node::default()
                    .step(highest::In {
                        input: 1.0,
                        period: p
                    })
                    .is_err()
            );
        }
        assert!(
            crossover::Node::default()
                .step(crossover::In {
                    a: f64::NAN,
                    b: 1.0
                })
                .is_err()
        );
    }

    #[test]
    fn a_new_period_starts_over() {
        let mut n = sma::Node::default();
        for v in [1.0, 2.0, 3.0] {
            n.step(sma::In {
                input: v,
                period: 3,
            })
            .expect("ok");
        }
        let o = n
            .step(sma::In {
                input: 10.0,
                period: 2,
            })
            .expect("ok");
        assert_eq!((o.value, o.ready), (10.0, false));
    }
}
