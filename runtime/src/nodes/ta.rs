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
    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};

    node! {
        kind "ta.sma", compute;
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

    impl Compute for Node {
        fn run(&mut self, _cx: &Ctx, input: In) -> Result<Out, NodeError> {
            self.step(input)
        }
    }
}

/// Exponential moving average (TA-Lib: seeded with the SMA of the first `period` inputs).
pub mod ema {
    use super::{Ema, finite, period};
    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};

    node! {
        kind "ta.ema", compute;
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

    impl Compute for Node {
        fn run(&mut self, _cx: &Ctx, input: In) -> Result<Out, NodeError> {
            self.step(input)
        }
    }
}

/// Relative strength index with Wilder's smoothing.
pub mod rsi {
    use super::{finite, period};
    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};

    node! {
        kind "ta.rsi", compute;
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

    impl Compute for Node {
        fn run(&mut self, _cx: &Ctx, input: In) -> Result<Out, NodeError> {
            self.step(input)
        }
    }
}

/// MACD with TA-Lib's alignment.
pub mod macd {
    use super::{Ema, finite, period};
    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};

    node! {
        kind "ta.macd", compute;
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

    impl Compute for Node {
        fn run(&mut self, _cx: &Ctx, input: In) -> Result<Out, NodeError> {
            self.step(input)
        }
    }
}

/// Bollinger bands with the population standard deviation.
pub mod bollinger {
    use super::{Window, finite, period};
    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};

    node! {
        kind "ta.bollinger", compute;
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

    impl Compute for Node {
        fn run(&mut self, _cx: &Ctx, input: In) -> Result<Out, NodeError> {
            self.step(input)
        }
    }
}

/// Average true range with Wilder's smoothing.
pub mod atr {
    use super::{finite, period};
    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};

    node! {
        kind "ta.atr", compute;
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

    impl Compute for Node {
        fn run(&mut self, _cx: &Ctx, input: In) -> Result<Out, NodeError> {
            self.step(input)
        }
    }
}

/// `up` on the tick `a` crosses above `b`, `down` on the tick it crosses below. Touching
/// `b` and turning back is not a cross: the side is the last one `a` was strictly on.
pub mod crossover {
    use super::finite;
    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};

    node! {
        kind "ta.crossover", compute;
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

    impl Compute for Node {
        fn run(&mut self, _cx: &Ctx, input: In) -> Result<Out, NodeError> {
            self.step(input)
        }
    }
}

/// `spike` when `volume` exceeds `factor` times the mean of the previous `period` volumes;
/// `ratio` is volume over that mean (0 while there is no previous volume or the mean is 0).
pub mod volume_spike {
    use super::{Window, finite, period};
    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};

    node! {
        kind "ta.volume_spike", compute;
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

    impl Compute for Node {
        fn run(&mut self, _cx: &Ctx, input: In) -> Result<Out, NodeError> {
            self.step(input)
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
    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};

    node! {
        kind "ta.roc", compute;
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

    impl Compute for Node {
        fn run(&mut self, _cx: &Ctx, input: In) -> Result<Out, NodeError> {
            self.step(input)
        }
    }
}

/// Population standard deviation of the last `period` inputs.
pub mod stddev {
    use super::{Window, finite, period};
    use crate::ctx::Ctx;
    use crate::node::{Compute, NodeError};

    node! {
        kind "ta.stddev", compute;
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

    impl Compute for Node {
        fn run(&mut self, _cx: &Ctx, input: In) -> Result<Out, NodeError> {
            self.step(input)
        }
    }
}
