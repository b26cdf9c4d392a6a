//! The tick loop, the executable's command line, and the programmatic API around both.
//!
//! A generated workflow implements [`Workflow`]; its executable's `main` is [`main`], which
//! parses the flags of TOOLCHAIN.md, builds the run's [`Ctx`] and drives a [`Runner`]. Code
//! that wants a run in-process (tests, the `workflow!` macro, notebooks) builds a [`Runner`]
//! from a [`RunConfig`] directly and gets a [`RunReport`] back.
//!
//! **One tick** (tick `i`, from 0): look for the halt file; move the market to tick `i`
//! (`Market::begin_tick`; in replay, row `i` of the CSV, and the simulated clock jumps to the
//! row's date when it reads as one); let the paper ledger see the new prices
//! (`Ledger::on_tick`); emit `execution_started`; run the workflow's stages; emit
//! `execution_completed` with the outputs. Then the simulated clock moves on by the schedule
//! interval (one minute for `schedule once`) without waiting, or, with `--realtime`, the
//! loop waits the interval on the real clock (replay ignores `--realtime` and the interval:
//! it runs the rows as fast as it can).
//!
//! **How many ticks**: `--ticks N`; otherwise every row in replay, one for `schedule once`,
//! and until Ctrl-C for `schedule every`. Ctrl-C lets the tick in flight finish, then the run
//! ends normally (summary, exit code); a second Ctrl-C exits at once with code 130.
//!
//! **Exit codes**: 0 when no tick failed, 1 when some tick did (a node failed after its
//! retries, or was refused by the halt or an open breaker), 2 on bad arguments or input
//! (unknown flag, bad `--param`, unreadable or malformed CSV, `--mode live`, an event sink
//! that cannot be opened).

use std::ffi::OsString;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};

use crate::clock::{Clock, SIM_EPOCH_MS, parse_bar_time_ms};
use crate::config::{EventsTarget, Mode, RunConfig};
use crate::ctx::Ctx;
use crate::events::{self, Event, Events, JsonLines};
use crate::exec::{Failure, Tick, TickCounts};
use crate::halt::{Halt, HaltSwitch};
use crate::ledger::{Ledger, LedgerSummary};
use crate::market::Market;
use crate::value::{Outputs, ParamError, ParamSpec, ParamValues, Value, results_json};

/// What generated code implements for a workflow. Everything between nodes stays typed in
/// the implementation; only params and outputs cross this trait as [`Value`]s.
#[allow(
    async_fn_in_trait,
    reason = "ticks run on one current-thread runtime; Send is not needed"
)]
pub trait Workflow: Sized {
    /// The workflow's name (`workflow NAME`): the events' `workflow_id`.
    const NAME: &'static str;
    /// `schedule every D` as `Some(D)`; `schedule once` as `None`.
    const INTERVAL: Option<Duration>;
    /// How many nodes the workflow has (`execution_started`'s `node_count`).
    const NODE_COUNT: usize;
    /// The workflow's params, in declaration order.
    const PARAMS: &'static [ParamSpec];
    /// The named outputs of one tick.
    type Outputs: Outputs;

    /// Builds the workflow's state (every node in its initial state) for a run with these
    /// param values; params not given take their defaults.
    fn build(values: &ParamValues) -> Result<Self, ParamError>;

    /// Runs one tick.
    async fn tick(&mut self, cx: &Ctx, t: &Tick<'_>) -> Self::Outputs;
}

/// Why a run could not start: bad arguments or input. Exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunError {
    pub message: String,
}

impl RunError {
    fn new(message: impl Into<String>) -> Self {
        RunError {
            message: message.into(),
        }
    }
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RunError {}

impl From<ParamError> for RunError {
    fn from(e: ParamError) -> Self {
        RunError::new(e.to_string())
    }
}

/// What happened in one tick.
#[derive(Debug, Clone)]
pub struct TickReport {
    pub index: u64,
    pub execution_id: String,
    /// The replayed row's date as written in the CSV.
    pub bar_time: Option<String>,
    pub counts: TickCounts,
    pub failed: bool,
    pub failures: Vec<Failure>,
    /// The workflow's outputs (absent ones as `None`).
    pub outputs: Vec<(&'static str, Option<Value>)>,
}

/// What a run did, for the summary and for callers of [`Runner`].
#[derive(Debug, Clone)]
pub struct RunReport {
    pub workflow: &'static str,
    pub mode: Mode,
    pub ticks: u64,
    pub failed_ticks: u64,
    pub nodes_completed: u64,
    pub nodes_skipped: u64,
    pub nodes_failed: u64,
    /// The paper ledger at the end.
    pub ledger: LedgerSummary,
    pub wall: Duration,
    /// The run ended early on Ctrl-C (or [`StopHandle::stop`]).
    pub interrupted: bool,
    /// Every tick, in order (empty when the runner was told not to keep them).
    pub tick_reports: Vec<TickReport>,
    /// The last tick's outputs.
    pub last_outputs: Vec<(&'static str, Option<Value>)>,
    /// How often each node failed, by error type: `(node_id, error_type) -> count`.
    pub failure_counts: std::collections::BTreeMap<(&'static str, &'static str), u64>,
}

impl RunReport {
    /// 0 when no tick failed, 1 when some did.
    pub fn exit_code(&self) -> u8 {
        u8::from(self.failed_ticks > 0)
    }
}

/// Ends a run after the tick in flight; shareable across threads and with signal handlers.
#[derive(Debug, Clone, Default)]
pub struct StopHandle(Arc<StopInner>);

#[derive(Debug, Default)]
struct StopInner {
    stopped: AtomicBool,
    wake: tokio::sync::Notify,
}

impl StopHandle {
    /// Asks the run to stop after the tick in flight.
    pub fn stop(&self) {
        self.0.stopped.store(true, Ordering::SeqCst);
        // A permit is stored when nobody waits yet, so a wait that starts later still wakes.
        self.0.wake.notify_one();
    }

    pub fn is_stopped(&self) -> bool {
        self.0.stopped.load(Ordering::SeqCst)
    }

    async fn stopped(&self) {
        while !self.is_stopped() {
            self.0.wake.notified().await;
        }
    }
}

/// The market data a replay reads, when given as text rather than through `config.replay`.
struct ReplaySource {
    text: String,
    source: String,
}

/// Runs a workflow in-process: the programmatic API behind [`main`].
///
/// Two ways to start: [`Runner::new`] with a [`RunConfig`] (params as `NAME=VALUE` text or
/// [`Runner::params`], as the executable does), or [`Runner::for_workflow`] with a workflow
/// already built from typed params (what `workflow!`'s `Workflow::runner(params)` does). The
/// builder methods ([`Runner::ticks`], [`Runner::seed`], [`Runner::replay_text`], ...) set
/// the same things as the executable's flags.
///
/// ```ignore
/// let mut runner = Runner::<MyWorkflow>::new(RunConfig { ticks: Some(10), ..RunConfig::default() });
/// let events = runner.events_channel();
/// let report = runner.run_blocking()?;
/// ```
pub struct Runner<W: Workflow> {
    config: RunConfig,
    params: Option<ParamValues>,
    /// A workflow built by the caller; when absent, one is built from the params.
    workflow: Option<W>,
    on_outputs: Option<Box<dyn FnMut(&TickReport, &W::Outputs)>>,
    replay: Option<ReplaySource>,
    events: Events,
    stop: StopHandle,
    halt_switch: Option<HaltSwitch>,
    halt: Option<Halt>,
    keep_ticks: bool,
    signals: bool,
    on_serving: Option<Box<dyn FnOnce(SocketAddr)>>,
    _workflow: std::marker::PhantomData<fn() -> W>,
}

impl<W: Workflow> Runner<W> {
    /// A runner for `config`. Params come from `config.params` (as `NAME=VALUE` text) unless
    /// [`Runner::params`] sets typed values.
    pub fn new(config: RunConfig) -> Self {
        let halt = match &config.halt_file {
            Some(path) => Halt::with_file(path),
            None => Halt::off(),
        };
        Runner {
            params: None,
            workflow: None,
            on_outputs: None,
            replay: None,
            events: Events::new(W::NAME),
            stop: StopHandle::default(),
            halt_switch: Some(halt.switch()),
            halt: Some(halt),
            keep_ticks: true,
            signals: false,
            on_serving: None,
            config,
            _workflow: std::marker::PhantomData,
        }
    }

    /// A runner for a workflow the caller built (e.g. `Workflow::new(params)` of generated
    /// code, with typed params), with the default [`RunConfig`]: a simulated run, seed 0,
    /// one tick for `schedule once` and until stopped for `schedule every` unless
    /// [`Runner::ticks`] says otherwise. Params in the config are then ignored.
    pub fn for_workflow(workflow: W) -> Self {
        let mut runner = Runner::new(RunConfig::default());
        runner.workflow = Some(workflow);
        runner
    }

    /// Typed param values (checked against the workflow's params when the run starts).
    pub fn params(mut self, values: ParamValues) -> Self {
        self.params = Some(values);
        self
    }

    /// Runs `n` ticks (`--ticks N`); in replay, at most one per row.
    pub fn ticks(mut self, n: u64) -> Self {
        self.config.ticks = Some(n);
        self
    }

    /// The seed of the simulated markets and of retry jitter (`--seed N`).
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = seed;
        self
    }

    /// The paper ledger's starting cash (`--cash AMOUNT`).
    pub fn cash(mut self, cash: f64) -> Self {
        self.config.cash = cash;
        self
    }

    /// The fee on every paper fill, in basis points (`--fee-bps BPS`).
    pub fn fee_bps(mut self, bps: f64) -> Self {
        self.config.fee_bps = bps;
        self
    }

    /// No node failures on stderr while the run goes (`--quiet`; a runner prints no
    /// summary in any case, the caller has the report).
    pub fn quiet(mut self, quiet: bool) -> Self {
        self.config.quiet = quiet;
        self
    }

    /// Replays an OHLCV CSV file, one tick per row (`--replay FILE.csv`).
    pub fn replay_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config.mode = Mode::Replay;
        self.config.replay = Some(path.into());
        self
    }

    /// Changes anything else of the run's configuration.
    pub fn configure(mut self, f: impl FnOnce(&mut RunConfig)) -> Self {
        f(&mut self.config);
        self
    }

    /// Calls `f` after every tick with the tick's report and its typed outputs.
    pub fn on_outputs(mut self, f: impl FnMut(&TickReport, &W::Outputs) + 'static) -> Self {
        self.on_outputs = Some(Box::new(f));
        self
    }

    /// Replays CSV text instead of a file; `source` names it in error messages.
    pub fn replay_text(mut self, csv: impl Into<String>, source: impl Into<String>) -> Self {
        self.config.mode = Mode::Replay;
        self.replay = Some(ReplaySource {
            text: csv.into(),
            source: source.into(),
        });
        self
    }

    /// Whether to keep every tick's report (on by default; the executable keeps only the
    /// last, so an endless run does not grow).
    pub fn keep_ticks(mut self, keep: bool) -> Self {
        self.keep_ticks = keep;
        self
    }

    /// Listen for Ctrl-C (stop after the tick in flight) and for `SIGUSR1`/`SIGUSR2` (halt,
    /// resume). The executable does; in-process callers usually do not.
    pub fn handle_signals(mut self, on: bool) -> Self {
        self.signals = on;
        self
    }

    /// Called with the bound address once the `--serve` WebSocket server listens.
    pub fn on_serving(mut self, f: impl FnOnce(SocketAddr) + 'static) -> Self {
        self.on_serving = Some(Box::new(f));
        self
    }

    /// Calls `f` with every event of the run, in order.
    pub fn subscribe(&mut self, f: impl FnMut(&Event) + Send + 'static) {
        self.events.subscribe(f);
    }

    /// Every event of the run through a channel.
    pub fn events_channel(&mut self) -> std::sync::mpsc::Receiver<Event> {
        self.events.channel()
    }

    /// Stops the run after the tick in flight.
    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }

    /// Turns the emergency halt on and off while the run goes.
    pub fn halt_switch(&self) -> HaltSwitch {
        self.halt_switch
            .clone()
            .unwrap_or_else(|| Halt::off().switch())
    }

    /// Runs on a fresh current-thread tokio runtime.
    pub fn run_blocking(self) -> Result<RunReport, RunError> {
        new_runtime()?.block_on(self.run())
    }

    /// Runs on a fresh current-thread tokio runtime and returns every tick's typed outputs
    /// with the report, in tick order.
    pub fn run_collect_blocking(mut self) -> Result<(RunReport, Vec<W::Outputs>), RunError>
    where
        W::Outputs: Clone + 'static,
    {
        let collected = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let sink = std::rc::Rc::clone(&collected);
        let mut previous = self.on_outputs.take();
        self.on_outputs = Some(Box::new(move |tick, outputs| {
            if let Some(f) = previous.as_mut() {
                f(tick, outputs);
            }
            sink.borrow_mut().push(outputs.clone());
        }));
        let report = self.run_blocking()?;
        let outputs = std::mem::take(&mut *collected.borrow_mut());
        Ok((report, outputs))
    }

    /// [`Runner::run_full`] on a fresh current-thread tokio runtime.
    pub fn run_full_blocking(self) -> Result<(RunReport, W, Ctx), RunError> {
        new_runtime()?.block_on(self.run_full())
    }

    /// Runs the workflow and reports. Must be awaited on a current-thread tokio runtime (or a
    /// `LocalSet`): ticks are not `Send`.
    pub async fn run(self) -> Result<RunReport, RunError> {
        self.run_full().await.map(|(report, _, _)| report)
    }

    /// Like [`Runner::run`], and also hands back the workflow's final state and the context
    /// (the ledger with its trades, the market), for tests and post-run analysis.
    pub async fn run_full(mut self) -> Result<(RunReport, W, Ctx), RunError> {
        let started = Instant::now();
        let config = self.config.clone();

        // Params first: they are the user's most likely mistake, and cheap to check.
        let values = match self.params.take() {
            // A workflow built by the caller already has its params.
            _ if self.workflow.is_some() => ParamValues::new(),
            Some(values) => {
                values.check(W::PARAMS)?;
                values
            }
            None => ParamValues::parse(W::PARAMS, &config.params)?,
        };
        let mut workflow = match self.workflow.take() {
            Some(workflow) => workflow,
            None => W::build(&values)?,
        };

        let market = self.market(&config)?;
        let bars = market.bars();
        let ledger = Ledger::new(config.cash, config.fee_bps);
        let clock = if config.realtime && config.mode != Mode::Replay {
            Clock::real()
        } else {
            Clock::simulated(SIM_EPOCH_MS)
        };
        let halt = self.halt.take().unwrap_or_else(Halt::off);
        if self.signals {
            halt.listen_for_signals()
                .map_err(|e| RunError::new(format!("cannot listen for signals: {e}")))?;
            listen_for_ctrl_c(self.stop.clone())?;
        }

        let mut events = std::mem::take(&mut self.events);
        attach_file_sinks(&mut events, &config)?;
        let server = match config.serve {
            Some(addr) => {
                let server = crate::serve::Server::bind(addr)
                    .await
                    .map_err(|e| RunError::new(format!("cannot serve events on {addr}: {e}")))?;
                events.add_sink(server.sink());
                if let Some(f) = self.on_serving.take() {
                    f(server.local_addr());
                }
                Some(server)
            }
            None => None,
        };

        let cx = Ctx::new(config.clone(), market, ledger, clock, halt, events);
        let planned = match (config.ticks, bars, W::INTERVAL) {
            (Some(n), Some(rows), _) => Some(n.min(rows as u64)),
            (Some(n), None, _) => Some(n),
            (None, Some(rows), _) => Some(rows as u64),
            (None, None, None) => Some(1),
            (None, None, Some(_)) => None,
        };
        let step = W::INTERVAL.unwrap_or(Duration::from_secs(60));
        let run_id = events::new_run_id();

        let mut report = RunReport {
            workflow: W::NAME,
            mode: config.mode,
            ticks: 0,
            failed_ticks: 0,
            nodes_completed: 0,
            nodes_skipped: 0,
            nodes_failed: 0,
            ledger: lock(&cx.ledger).summary(),
            wall: Duration::ZERO,
            interrupted: false,
            tick_reports: Vec::new(),
            last_outputs: Vec::new(),
            failure_counts: Default::default(),
        };
        let mut reported_failures = 0usize;
        let mut index: u64 = 0;
        while planned.is_none_or(|n| index < n) {
            if self.stop.is_stopped() {
                report.interrupted = true;
                break;
            }
            let (tick_report, outputs) =
                run_tick(&mut workflow, &cx, &run_id, index, config.seed).await;
            if let Some(f) = self.on_outputs.as_mut() {
                f(&tick_report, &outputs);
            }
            report.ticks += 1;
            report.nodes_completed += u64::from(tick_report.counts.completed);
            report.nodes_skipped += u64::from(tick_report.counts.skipped);
            report.nodes_failed += u64::from(tick_report.counts.failed);
            for f in &tick_report.failures {
                *report
                    .failure_counts
                    .entry((f.node_id, f.error.kind.as_str()))
                    .or_default() += 1;
            }
            if tick_report.failed {
                report.failed_ticks += 1;
                if !config.quiet {
                    report_failures(&tick_report, &mut reported_failures);
                }
            }
            report.last_outputs = tick_report.outputs.clone();
            if self.keep_ticks {
                report.tick_reports.push(tick_report);
            }
            index += 1;

            let more = planned.is_none_or(|n| index < n);
            if config.mode != Mode::Replay {
                if config.realtime && W::INTERVAL.is_some() && more {
                    tokio::select! {
                        _ = tokio::time::sleep(step) => {}
                        _ = self.stop.stopped() => {}
                    }
                } else {
                    cx.clock.advance(step);
                }
            }
            // Let the signal listeners and the event server run between ticks, even when
            // no node awaited anything.
            tokio::task::yield_now().await;
        }

        cx.events.flush();
        report.ledger = lock(&cx.ledger).summary();
        if let Some(server) = server {
            server.shutdown(Duration::from_secs(2)).await;
        }
        report.wall = started.elapsed();
        Ok((report, workflow, cx))
    }

    fn market(&mut self, config: &RunConfig) -> Result<Market, RunError> {
        match config.mode {
            Mode::Sim => {
                if config.replay.is_some() {
                    return Err(RunError::new(
                        "--replay needs replay mode; drop `--mode sim` (a replay file implies replay)",
                    ));
                }
                Ok(Market::sim(config.seed))
            }
            Mode::Live => Err(RunError::new(
                "live mode is not available yet: this build has no live venue clients for market data or \
                 orders, and it will not pretend to trade. Use `--mode sim` (the default) or `--replay FILE.csv`",
            )),
            Mode::Replay => {
                let (text, source) = match (self.replay.take(), &config.replay) {
                    (Some(r), _) => (r.text, r.source),
                    (None, Some(path)) => match std::fs::read_to_string(path) {
                        Ok(text) => (text, path.display().to_string()),
                        Err(e) => {
                            return Err(RunError::new(format!(
                                "cannot read replay file {}: {e}",
                                path.display()
                            )));
                        }
                    },
                    (None, None) => {
                        return Err(RunError::new(
                            "replay mode needs a file: give it with --replay FILE.csv",
                        ));
                    }
                };
                Market::replay(&text, &source).map_err(|e| RunError::new(e.to_string()))
            }
        }
    }
}

fn new_runtime() -> Result<tokio::runtime::Runtime, RunError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| RunError::new(format!("cannot start the async runtime: {e}")))
}

/// One tick: halt file, market, ledger, the workflow's stages, events.
async fn run_tick<W: Workflow>(
    workflow: &mut W,
    cx: &Ctx,
    run_id: &str,
    index: u64,
    seed: u64,
) -> (TickReport, W::Outputs) {
    cx.halt.check_file();
    let bar_time = {
        let mut market = lock(&cx.market);
        market.begin_tick(index, cx.clock.now_ms());
        let bar_time = market.bar_time();
        if let Some(ms) = bar_time.as_deref().and_then(parse_bar_time_ms) {
            cx.clock.set_ms(ms);
        }
        lock(&cx.ledger).on_tick(&market);
        bar_time
    };
    let execution_id = events::execution_id(run_id, index);
    let tick = Tick::new(index, &execution_id, seed, &cx.events);
    cx.events
        .execution_started(&execution_id, index, W::NODE_COUNT, bar_time.as_deref());
    let started = Instant::now();
    let typed = workflow.tick(cx, &tick).await;
    let outputs = typed.values();
    if cx.events.enabled() {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        cx.events
            .execution_completed(&execution_id, ms, tick.failed(), &results_json(&outputs));
    }
    let report = TickReport {
        index,
        execution_id: execution_id.to_string(),
        bar_time,
        counts: tick.counts(),
        failed: tick.failed(),
        failures: tick.failures(),
        outputs,
    };
    (report, typed)
}

/// Locks a run mutex; a node that panicked while holding it leaves data that is still the
/// best we have, so poisoning is ignored.
fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Node failures go to stderr as they happen, up to a limit (the events have them all).
fn report_failures(tick: &TickReport, shown: &mut usize) {
    const LIMIT: usize = 20;
    for f in &tick.failures {
        if *shown == LIMIT {
            eprintln!("flow: further node failures are not shown; use --events to see them all");
        }
        *shown += 1;
        if *shown > LIMIT {
            continue;
        }
        let attempts = if f.attempts == 1 {
            "1 attempt".to_owned()
        } else {
            format!("{} attempts", f.attempts)
        };
        eprintln!(
            "flow: tick {}: node `{}` failed ({}, {attempts}): {}",
            tick.index,
            f.node_id,
            f.error.kind.as_str(),
            f.error.message
        );
    }
}

fn attach_file_sinks(events: &mut Events, config: &RunConfig) -> Result<(), RunError> {
    match &config.events {
        Some(EventsTarget::Stdout) => events.add_sink(Box::new(JsonLines::stdout())),
        Some(EventsTarget::File(path)) => {
            let sink = JsonLines::create(path).map_err(|e| {
                RunError::new(format!(
                    "cannot create --events file {}: {e}",
                    path.display()
                ))
            })?;
            events.add_sink(Box::new(sink));
        }
        None => {}
    }
    if let Some(path) = &config.history {
        let sink = crate::history::History::open(path).map_err(|e| {
            RunError::new(format!(
                "cannot open --history database {}: {e}",
                path.display()
            ))
        })?;
        events.add_sink(Box::new(sink));
    }
    Ok(())
}

/// Ctrl-C stops after the tick in flight; a second one exits at once.
fn listen_for_ctrl_c(stop: StopHandle) -> Result<(), RunError> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        // Registered here, before the first tick, so an early Ctrl-C is never lost.
        let mut interrupts = signal(SignalKind::interrupt())
            .map_err(|e| RunError::new(format!("cannot listen for Ctrl-C: {e}")))?;
        tokio::spawn(async move {
            while interrupts.recv().await.is_some() {
                on_interrupt(&stop);
            }
        });
    }
    #[cfg(not(unix))]
    {
        tokio::spawn(async move {
            while tokio::signal::ctrl_c().await.is_ok() {
                on_interrupt(&stop);
            }
        });
    }
    Ok(())
}

fn on_interrupt(stop: &StopHandle) {
    if stop.is_stopped() {
        eprintln!("flow: interrupted again; exiting without waiting for the tick in flight");
        std::process::exit(130);
    }
    eprintln!("flow: interrupted; finishing the tick in flight (Ctrl-C again to exit now)");
    stop.stop();
}

// ---------------------------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CliMode {
    Sim,
    Replay,
    Live,
}

/// The executable's flags (TOOLCHAIN.md).
#[derive(Debug, Parser)]
#[command(disable_version_flag = true)]
struct Cli {
    /// Ticks to run [default: 1 for `schedule once`, until Ctrl-C for `schedule every`, every
    /// row in replay].
    #[arg(long, value_name = "N")]
    ticks: Option<u64>,
    /// Where market data comes from: built-in simulated venues, a CSV replay, or real venues.
    #[arg(long, value_enum, value_name = "MODE")]
    mode: Option<CliMode>,
    /// Replay an OHLCV CSV (Date,Open,High,Low,Close,Volume), one tick per row; implies
    /// `--mode replay`.
    #[arg(long, value_name = "FILE.csv")]
    replay: Option<PathBuf>,
    /// Set a workflow param (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param_pair)]
    params: Vec<(String, String)>,
    /// Write events as JSON lines to a file, or to stdout with `-`.
    #[arg(long, value_name = "PATH|-")]
    events: Option<String>,
    /// Store every event in a SQLite database (table `events`, view `executions`).
    #[arg(long, value_name = "PATH.db")]
    history: Option<PathBuf>,
    /// Broadcast events to WebSocket clients on this address (a bare port means 127.0.0.1).
    #[arg(long, value_name = "ADDR", value_parser = parse_serve_addr)]
    serve: Option<SocketAddr>,
    /// Seed of the simulated markets and of retry jitter.
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
    /// No summary on stderr.
    #[arg(long)]
    quiet: bool,
    /// Starting cash of the paper ledger.
    #[arg(long, value_name = "AMOUNT", default_value_t = 100_000.0, value_parser = parse_cash, allow_negative_numbers = true)]
    cash: f64,
    /// Fee on every paper fill, in basis points.
    #[arg(long = "fee-bps", value_name = "BPS", default_value_t = 10.0, value_parser = parse_fee, allow_negative_numbers = true)]
    fee_bps: f64,
    /// Wait the schedule interval between ticks instead of simulating the clock.
    #[arg(long)]
    realtime: bool,
    /// In live mode, send real orders (otherwise they stay on the paper ledger).
    #[arg(long = "live-orders")]
    live_orders: bool,
    /// The emergency halt is on while this file exists (checked every tick).
    #[arg(long = "halt-file", value_name = "PATH")]
    halt_file: Option<PathBuf>,
}

fn parse_param_pair(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!("expected NAME=VALUE, found {text:?}")),
    }
}

fn parse_serve_addr(text: &str) -> Result<SocketAddr, String> {
    if let Ok(port) = text.parse::<u16>() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    let text = text
        .strip_prefix("localhost:")
        .map(|p| format!("127.0.0.1:{p}"))
        .unwrap_or_else(|| text.to_owned());
    text.parse().map_err(|_| {
        format!("expected an address such as 127.0.0.1:8765 or a port, found {text:?}")
    })
}

fn parse_cash(text: &str) -> Result<f64, String> {
    match text.replace('_', "").parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!(
            "expected a non-negative amount such as 100000, found {text:?}"
        )),
    }
}

fn parse_fee(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..10_000.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "expected basis points between 0 and 10000, such as 10, found {text:?}"
        )),
    }
}

impl Cli {
    fn into_config(self) -> Result<RunConfig, RunError> {
        let mode = match (self.mode, &self.replay) {
            (None, None) => Mode::Sim,
            (None | Some(CliMode::Replay), Some(_)) => Mode::Replay,
            (Some(CliMode::Replay), None) => {
                return Err(RunError::new(
                    "--mode replay needs a file: give it with --replay FILE.csv",
                ));
            }
            (Some(CliMode::Sim), Some(_)) => {
                return Err(RunError::new(
                    "--replay cannot be used with --mode sim (a replay file implies replay mode)",
                ));
            }
            (Some(CliMode::Live), Some(_)) => {
                return Err(RunError::new("--replay cannot be used with --mode live"));
            }
            (Some(CliMode::Sim), None) => Mode::Sim,
            (Some(CliMode::Live), None) => Mode::Live,
        };
        let events = self.events.map(|e| {
            if e == "-" {
                EventsTarget::Stdout
            } else {
                EventsTarget::File(e.into())
            }
        });
        Ok(RunConfig {
            mode,
            seed: self.seed,
            cash: self.cash,
            fee_bps: self.fee_bps,
            live_orders: self.live_orders,
            realtime: self.realtime,
            quiet: self.quiet,
            ticks: self.ticks,
            replay: self.replay,
            events,
            history: self.history,
            serve: self.serve,
            halt_file: self.halt_file,
            params: self.params,
        })
    }
}

/// The `main` of a generated executable: parses the process's arguments, runs, prints the
/// summary, and returns the exit code (0, 1 or 2).
pub fn main<W: Workflow>() -> std::process::ExitCode {
    main_with_args::<W, _, _>(std::env::args_os())
}

/// [`main`] with explicit arguments (the first is the program name).
pub fn main_with_args<W, I, T>(args: I) -> std::process::ExitCode
where
    W: Workflow,
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    // The run gets a thread with a large stack: a workflow keeps every node's state in one
    // struct and a tick's values in its future, which for flows of thousands of nodes
    // outgrow the main thread's 8 MiB in debug builds. The stack is reserved address space,
    // used only as far as it is touched. Should the thread not start, run here.
    let thread = std::thread::Builder::new()
        .name("flow-run".into())
        .stack_size(RUN_STACK_BYTES);
    let on_thread = args.clone();
    let code = match thread.spawn(move || cli::<W, _, _>(on_thread, &mut std::io::stderr())) {
        // A panic has printed its message; 101 is Rust's exit code for it.
        Ok(handle) => handle.join().unwrap_or(101),
        Err(_) => cli::<W, _, _>(args, &mut std::io::stderr()),
    };
    std::process::ExitCode::from(code)
}

/// The stack of the thread a generated executable runs on.
const RUN_STACK_BYTES: usize = 256 << 20;

/// The command line, writing messages and the summary to `err`; returns the exit code.
pub fn cli<W, I, T>(args: I, err: &mut dyn Write) -> u8
where
    W: Workflow,
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    let command = Cli::command()
        .name(W::NAME)
        .bin_name(W::NAME)
        .after_help(params_help(W::PARAMS));
    let parsed = command
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            // Help goes to stdout with exit 0; usage errors to stderr with exit 2.
            if e.use_stderr() {
                let _ = write!(err, "{}", e.render());
                return 2;
            }
            let _ = e.print();
            return 0;
        }
    };
    let config = match cli.into_config() {
        Ok(config) => config,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return 2;
        }
    };
    if config.live_orders && config.mode != Mode::Live {
        let _ = writeln!(
            err,
            "warning: --live-orders has no effect outside --mode live; orders stay on the paper ledger"
        );
    }
    let quiet = config.quiet;
    let serve_note = config.serve.is_some() && !quiet;
    let runner = Runner::<W>::new(config)
        .keep_ticks(false)
        .handle_signals(true)
        .on_serving(move |addr| {
            if serve_note {
                eprintln!("flow: serving events on ws://{addr}");
            }
        });
    match runner.run_blocking() {
        Ok(report) => {
            if !quiet {
                let _ = write!(err, "{}", summary(&report));
            }
            report.exit_code()
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            2
        }
    }
}

/// The params section of `--help`.
fn params_help(params: &[ParamSpec]) -> String {
    if params.is_empty() {
        return "This workflow has no params.".to_owned();
    }
    let mut out = String::from("Params (--param NAME=VALUE):\n");
    for p in params {
        let req = if p.required { ", required" } else { "" };
        let doc = if p.doc.is_empty() {
            String::new()
        } else {
            format!("  {}", p.doc.lines().next().unwrap_or(""))
        };
        out.push_str(&format!("  {} ({}{req}){doc}\n", p.name, p.ty));
    }
    out
}

/// The end summary.
pub fn summary(r: &RunReport) -> String {
    let mut out = String::new();
    let secs = r.wall.as_secs_f64();
    let interrupted = if r.interrupted { ", interrupted" } else { "" };
    out.push_str(&format!(
        "flow: {} ({}) finished in {secs:.3}s{interrupted}\n",
        r.workflow,
        r.mode.as_str()
    ));
    out.push_str(&format!(
        "  ticks    {} ({} failed)\n",
        r.ticks, r.failed_ticks
    ));
    out.push_str(&format!(
        "  nodes    {} run, {} skipped, {} failed\n",
        r.nodes_completed, r.nodes_skipped, r.nodes_failed
    ));
    if !r.failure_counts.is_empty() {
        let shown: Vec<String> = r
            .failure_counts
            .iter()
            .map(|((node, kind), n)| format!("{node} ({kind}) x{n}"))
            .collect();
        out.push_str(&format!("  failed   {}\n", shown.join(", ")));
    }
    let l = &r.ledger;
    let pnl = l.realized_pnl + l.unrealized_pnl;
    out.push_str(&format!(
        "  paper    {} trades, PnL {pnl:+.2} (realized {:+.2}, unrealized {:+.2})\n",
        l.trades, l.realized_pnl, l.unrealized_pnl
    ));
    out.push_str(&format!(
        "           cash {:.2}, equity {:.2}\n",
        l.cash, l.equity
    ));
    if l.open_orders > 0 || l.fees > 0.0 {
        out.push_str(&format!(
            "           fees {:.2}, {} open order{}\n",
            l.fees,
            l.open_orders,
            if l.open_orders == 1 { "" } else { "s" }
        ));
    }
    if l.gpu_dph > 0.0 {
        out.push_str(&format!(
            "  gpu      rentals running at ${:.3}/h\n",
            l.gpu_dph
        ));
    }
    if !r.last_outputs.is_empty() {
        let shown: Vec<String> = r
            .last_outputs
            .iter()
            .map(|(name, v)| match v {
                Some(v) => format!("{name} = {v}"),
                None => format!("{name} = (absent)"),
            })
            .collect();
        out.push_str(&format!("  outputs  {}\n", shown.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(ledger: LedgerSummary) -> RunReport {
        RunReport {
            workflow: "w",
            mode: Mode::default(),
            ticks: 3,
            failed_ticks: 0,
            nodes_completed: 9,
            nodes_skipped: 0,
            nodes_failed: 0,
            ledger,
            wall: Duration::from_millis(5),
            interrupted: false,
            tick_reports: Vec::new(),
            last_outputs: Vec::new(),
            failure_counts: std::collections::BTreeMap::new(),
        }
    }

    #[test]
    fn the_summary_shows_fees_open_orders_and_gpu_rentals_when_there_are_any() {
        let mut ledger = LedgerSummary {
            cash: 100_000.0,
            equity: 100_000.0,
            realized_pnl: 0.0,
            unrealized_pnl: 0.0,
            fees: 0.0,
            trades: 0,
            open_orders: 0,
            gpu_dph: 0.0,
        };
        let quiet = summary(&report(ledger.clone()));
        assert!(quiet.contains("ticks    3 (0 failed)"), "{quiet}");
        assert!(!quiet.contains("fees") && !quiet.contains("gpu"), "{quiet}");
        ledger.fees = 1.25;
        ledger.open_orders = 1;
        ledger.gpu_dph = 2.4;
        let busy = summary(&report(ledger));
        assert!(busy.contains("fees 1.25, 1 open order\n"), "{busy}");
        assert!(
            busy.contains("gpu      rentals running at $2.400/h"),
            "{busy}"
        );
    }
}
