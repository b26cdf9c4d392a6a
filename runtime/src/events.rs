//! Events: what a run reports as it goes, exactly in TOOLCHAIN.md's schema.
//!
//! Every event is one JSON object with `type`, `execution_id`, `workflow_id` and `timestamp`
//! (RFC 3339, the system clock) plus the fields of its type:
//!
//! | type | fields |
//! | --- | --- |
//! | `execution_started` | `tick`, `node_count`, and in replay `bar_time` |
//! | `node_started` | `node_id`, `node_kind` |
//! | `node_completed` | `node_id`, `duration_ms`, `status: "success"`, `outputs` |
//! | `node_skipped` | `node_id`, `reason` |
//! | `node_failed` | `node_id`, `duration_ms`, `error`, `error_type`, `attempts` |
//! | `execution_completed` | `duration_ms`, `status` (`completed`/`failed`), `results` |
//! | `log` (extension) | `node_id`, `message`: what `notify.log` writes |
//!
//! Each tick is one execution with its own id, `<run id>-<tick>`, where the run id is random
//! hex chosen at start; ids are unique across ticks and runs.
//!
//! **Sinks.** [`Events`] fans each event out to its sinks: JSON lines to a writer (`--events`,
//! [`JsonLines`]), in-process subscribers ([`Events::subscribe`], [`Events::channel`]), SQLite
//! (`--history`, [`crate::history`]) and a WebSocket broadcast (`--serve`, [`crate::serve`]).
//! With no sink attached [`Events::enabled`] is false and the executor does not build events
//! at all: that check is the whole cost of events in a run without sinks.

use std::fmt;
use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use serde::Serialize;

/// The `type` of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    ExecutionStarted,
    NodeStarted,
    NodeCompleted,
    NodeSkipped,
    NodeFailed,
    ExecutionCompleted,
    /// A message from `notify.log` (an extension of the schema).
    Log,
}

impl EventKind {
    /// The `type` field's value.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::ExecutionStarted => "execution_started",
            EventKind::NodeStarted => "node_started",
            EventKind::NodeCompleted => "node_completed",
            EventKind::NodeSkipped => "node_skipped",
            EventKind::NodeFailed => "node_failed",
            EventKind::ExecutionCompleted => "execution_completed",
            EventKind::Log => "log",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One event as the sinks receive it: the JSON object as one line, plus its indexing fields
/// so sinks need not parse the line.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: EventKind,
    pub execution_id: Arc<str>,
    pub workflow_id: Arc<str>,
    /// The node an event is about (`node_*` and `log` events).
    pub node_id: Option<String>,
    /// RFC 3339, UTC, milliseconds.
    pub timestamp: String,
    /// The whole event as one line of JSON (no trailing newline).
    pub line: Arc<str>,
}

impl Event {
    /// The event as a JSON value.
    pub fn json(&self) -> serde_json::Value {
        // The line was produced by serde_json from plain data, so it always parses back.
        serde_json::from_str(&self.line).unwrap_or(serde_json::Value::Null)
    }
}

/// Something that receives every event of a run.
pub trait Sink: Send {
    /// Takes one event. An error disables this sink for the rest of the run (reported once on
    /// stderr); the run itself goes on.
    fn event(&mut self, event: &Event) -> Result<(), String>;
    /// Called at the end of every execution and at the end of the run.
    fn flush(&mut self) -> Result<(), String> {
        Ok(())
    }
    /// Names the sink in error messages (e.g. `--events out.jsonl`).
    fn name(&self) -> String;
}

/// The JSON-lines sink: one event a line to any writer (a file or stdout).
pub struct JsonLines {
    out: Box<dyn Write + Send>,
    name: String,
}

impl JsonLines {
    pub fn new(out: impl Write + Send + 'static, name: impl Into<String>) -> Self {
        JsonLines {
            out: Box::new(out),
            name: name.into(),
        }
    }

    /// JSON lines to standard output (`--events -`).
    pub fn stdout() -> Self {
        Self::new(std::io::stdout(), "--events -")
    }

    /// JSON lines to a file, created or truncated (`--events PATH`).
    pub fn create(path: &std::path::Path) -> std::io::Result<Self> {
        let file = std::fs::File::create(path)?;
        Ok(Self::new(
            std::io::BufWriter::new(file),
            format!("--events {}", path.display()),
        ))
    }
}

impl Sink for JsonLines {
    fn event(&mut self, event: &Event) -> Result<(), String> {
        writeln!(self.out, "{}", event.line).map_err(|e| e.to_string())
    }
    fn flush(&mut self) -> Result<(), String> {
        self.out.flush().map_err(|e| e.to_string())
    }
    fn name(&self) -> String {
        self.name.clone()
    }
}

/// A closure subscriber.
struct Subscriber<F>(F);

impl<F: FnMut(&Event) + Send> Sink for Subscriber<F> {
    fn event(&mut self, event: &Event) -> Result<(), String> {
        (self.0)(event);
        Ok(())
    }
    fn name(&self) -> String {
        "subscriber".into()
    }
}

/// A channel subscriber; a dropped receiver is not an error, the sink just goes quiet.
struct ChannelSink(std::sync::mpsc::Sender<Event>);

impl Sink for ChannelSink {
    fn event(&mut self, event: &Event) -> Result<(), String> {
        let _ = self.0.send(event.clone());
        Ok(())
    }
    fn name(&self) -> String {
        "channel".into()
    }
}

/// The event hub of one run. With no sinks it is disabled and costs one branch per node.
///
/// Cloning is cheap (a shared handle); the tick loop gives each [`crate::exec::Tick`] a clone.
/// Attach sinks before handing out clones: a clone made earlier does not see them as enabled.
#[derive(Clone)]
pub struct Events {
    /// Whether a sink is attached, kept as a plain field so the hot path reads a bool, not a
    /// mutex.
    enabled: bool,
    hub: Arc<Hub>,
}

struct Hub {
    workflow_id: Arc<str>,
    sinks: Mutex<Vec<Box<dyn Sink>>>,
    /// The execution in flight, for events emitted from inside nodes (`log`).
    current: Mutex<Arc<str>>,
}

impl fmt::Debug for Events {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Events")
            .field("enabled", &self.enabled)
            .field("workflow_id", &self.hub.workflow_id)
            .finish()
    }
}

impl Default for Events {
    fn default() -> Self {
        Self::none()
    }
}

impl Events {
    /// No sinks: events are never built.
    pub fn none() -> Self {
        Self::new("")
    }

    /// An event hub for workflow `workflow_id`, disabled until a sink is added.
    pub fn new(workflow_id: &str) -> Self {
        Events {
            enabled: false,
            hub: Arc::new(Hub {
                workflow_id: Arc::from(workflow_id),
                sinks: Mutex::new(Vec::new()),
                current: Mutex::new(Arc::from("")),
            }),
        }
    }

    /// Whether any sink is attached. The executor checks this before building an event.
    #[inline(always)]
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The `workflow_id` of every event.
    pub fn workflow_id(&self) -> &str {
        &self.hub.workflow_id
    }

    /// Attaches a sink.
    pub fn add_sink(&mut self, sink: Box<dyn Sink>) {
        self.sinks().push(sink);
        self.enabled = true;
    }

    /// Calls `f` with every event, in order, on the thread that runs the workflow.
    pub fn subscribe(&mut self, f: impl FnMut(&Event) + Send + 'static) {
        self.add_sink(Box::new(Subscriber(f)));
    }

    /// Every event, in order, through a channel.
    pub fn channel(&mut self) -> std::sync::mpsc::Receiver<Event> {
        let (tx, rx) = std::sync::mpsc::channel();
        self.add_sink(Box::new(ChannelSink(tx)));
        rx
    }

    fn sinks(&self) -> MutexGuard<'_, Vec<Box<dyn Sink>>> {
        // A sink that panicked leaves the list usable; the events are what matters.
        self.hub
            .sinks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The execution in flight (empty before the first).
    pub fn current_execution(&self) -> Arc<str> {
        match self.hub.current.lock() {
            Ok(c) => Arc::clone(&c),
            Err(p) => Arc::clone(&p.into_inner()),
        }
    }

    fn set_current(&self, id: &Arc<str>) {
        match self.hub.current.lock() {
            Ok(mut c) => *c = Arc::clone(id),
            Err(p) => *p.into_inner() = Arc::clone(id),
        }
    }

    /// Serializes one event and hands it to every sink. Does nothing when disabled.
    fn emit<B: Serialize>(
        &self,
        kind: EventKind,
        execution_id: &Arc<str>,
        node_id: Option<&str>,
        body: B,
    ) {
        if !self.enabled {
            return;
        }
        let timestamp = rfc3339_now();
        #[derive(Serialize)]
        struct Envelope<'a, B> {
            #[serde(rename = "type")]
            kind: &'static str,
            execution_id: &'a str,
            workflow_id: &'a str,
            timestamp: &'a str,
            #[serde(flatten)]
            body: B,
        }
        let envelope = Envelope {
            kind: kind.as_str(),
            execution_id,
            workflow_id: &self.hub.workflow_id,
            timestamp: &timestamp,
            body,
        };
        let line = match serde_json::to_string(&envelope) {
            Ok(line) => line,
            // Only a non-string map key or a failing Serialize impl of a domain value gets
            // here; report it as an event rather than lose the event silently.
            Err(e) => serde_json::json!({
                "type": kind.as_str(),
                "execution_id": &**execution_id,
                "workflow_id": &*self.hub.workflow_id,
                "timestamp": &timestamp,
                "node_id": node_id,
                "error": format!("event could not be serialized: {e}"),
            })
            .to_string(),
        };
        let event = Event {
            kind,
            execution_id: Arc::clone(execution_id),
            workflow_id: Arc::clone(&self.hub.workflow_id),
            node_id: node_id.map(str::to_owned),
            timestamp,
            line: Arc::from(line),
        };
        self.dispatch(&event, kind == EventKind::ExecutionCompleted);
    }

    fn dispatch(&self, event: &Event, flush: bool) {
        let mut sinks = self.sinks();
        sinks.retain_mut(|sink| {
            let result = sink
                .event(event)
                .and_then(|()| if flush { sink.flush() } else { Ok(()) });
            match result {
                Ok(()) => true,
                Err(e) => {
                    eprintln!(
                        "warning: event sink {} failed and is now off: {e}",
                        sink.name()
                    );
                    false
                }
            }
        });
    }

    /// Flushes every sink (the end of a run).
    pub fn flush(&self) {
        let mut sinks = self.sinks();
        sinks.retain_mut(|sink| match sink.flush() {
            Ok(()) => true,
            Err(e) => {
                eprintln!(
                    "warning: event sink {} failed and is now off: {e}",
                    sink.name()
                );
                false
            }
        });
    }

    /// `execution_started`; also makes `execution_id` the current execution.
    pub fn execution_started(
        &self,
        execution_id: &Arc<str>,
        tick: u64,
        node_count: usize,
        bar_time: Option<&str>,
    ) {
        self.set_current(execution_id);
        #[derive(Serialize)]
        struct Body<'a> {
            tick: u64,
            node_count: usize,
            #[serde(skip_serializing_if = "Option::is_none")]
            bar_time: Option<&'a str>,
        }
        self.emit(
            EventKind::ExecutionStarted,
            execution_id,
            None,
            Body {
                tick,
                node_count,
                bar_time,
            },
        );
    }

    /// `node_started`.
    pub fn node_started(&self, execution_id: &Arc<str>, node_id: &str, node_kind: &str) {
        #[derive(Serialize)]
        struct Body<'a> {
            node_id: &'a str,
            node_kind: &'a str,
        }
        self.emit(
            EventKind::NodeStarted,
            execution_id,
            Some(node_id),
            Body { node_id, node_kind },
        );
    }

    /// `node_completed`; `outputs` is the node's `Out` struct (port -> value).
    pub fn node_completed<O: Serialize + ?Sized>(
        &self,
        execution_id: &Arc<str>,
        node_id: &str,
        duration_ms: f64,
        outputs: &O,
    ) {
        #[derive(Serialize)]
        struct Body<'a, O: ?Sized> {
            node_id: &'a str,
            duration_ms: f64,
            status: &'static str,
            outputs: &'a O,
        }
        let body = Body {
            node_id,
            duration_ms,
            status: "success",
            outputs,
        };
        self.emit(EventKind::NodeCompleted, execution_id, Some(node_id), body);
    }

    /// `node_skipped`.
    pub fn node_skipped(&self, execution_id: &Arc<str>, node_id: &str, reason: &str) {
        #[derive(Serialize)]
        struct Body<'a> {
            node_id: &'a str,
            reason: &'a str,
        }
        self.emit(
            EventKind::NodeSkipped,
            execution_id,
            Some(node_id),
            Body { node_id, reason },
        );
    }

    /// `node_failed`.
    pub fn node_failed(
        &self,
        execution_id: &Arc<str>,
        node_id: &str,
        duration_ms: f64,
        error: &str,
        error_type: &str,
        attempts: u32,
    ) {
        #[derive(Serialize)]
        struct Body<'a> {
            node_id: &'a str,
            duration_ms: f64,
            error: &'a str,
            error_type: &'a str,
            attempts: u32,
        }
        let body = Body {
            node_id,
            duration_ms,
            error,
            error_type,
            attempts,
        };
        self.emit(EventKind::NodeFailed, execution_id, Some(node_id), body);
    }

    /// `execution_completed`; `results` are the workflow's outputs (name -> value).
    pub fn execution_completed<R: Serialize + ?Sized>(
        &self,
        execution_id: &Arc<str>,
        duration_ms: f64,
        failed: bool,
        results: &R,
    ) {
        #[derive(Serialize)]
        struct Body<'a, R: ?Sized> {
            duration_ms: f64,
            status: &'static str,
            results: &'a R,
        }
        let status = if failed { "failed" } else { "completed" };
        self.emit(
            EventKind::ExecutionCompleted,
            execution_id,
            None,
            Body {
                duration_ms,
                status,
                results,
            },
        );
    }

    /// A `log` event (an extension of the schema) in the execution in flight: what
    /// `notify.log` writes.
    pub fn log(&self, node_id: &str, message: &str) {
        if !self.enabled {
            return;
        }
        #[derive(Serialize)]
        struct Body<'a> {
            node_id: &'a str,
            message: &'a str,
        }
        let execution_id = self.current_execution();
        self.emit(
            EventKind::Log,
            &execution_id,
            Some(node_id),
            Body { node_id, message },
        );
    }
}

/// The system time as RFC 3339 with milliseconds, e.g. `2024-01-01T00:00:00.000Z`.
pub fn rfc3339_now() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

/// A fresh run id: 16 hex digits from the system time, the process id and a counter, mixed
/// so that two runs started in the same millisecond still differ.
pub fn new_run_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mixed = crate::policy::splitmix64(
        nanos
            ^ (u64::from(std::process::id()) << 32)
            ^ COUNTER
                .fetch_add(1, Ordering::Relaxed)
                .wrapping_mul(0x9E37_79B9),
    );
    format!("{mixed:016x}")
}

/// The execution id of tick `tick` of run `run_id`.
pub fn execution_id(run_id: &str, tick: u64) -> Arc<str> {
    Arc::from(format!("{run_id}-{tick}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disabled_hub_builds_nothing() {
        let ev = Events::none();
        assert!(!ev.enabled());
        let id = execution_id("r", 0);
        ev.node_started(&id, "a", "ta.rsi"); // no sink: nothing happens, nothing panics
    }

    #[test]
    fn events_follow_the_schema() {
        let mut ev = Events::new("wf");
        let rx = ev.channel();
        assert!(ev.enabled());
        let id = execution_id("abc", 3);
        ev.execution_started(&id, 3, 2, Some("2024-01-01"));
        ev.node_started(&id, "px", "binance.price");
        ev.node_completed(&id, "px", 0.5, &serde_json::json!({"price": 1.5}));
        ev.node_skipped(&id, "buy", "when condition was false");
        ev.node_failed(&id, "sell", 1.0, "boom", "Transient", 3);
        ev.execution_completed(&id, 2.0, true, &serde_json::json!({"rsi": 50.0}));
        ev.log("note", "hello");
        let got: Vec<_> = rx.try_iter().collect();
        assert_eq!(got.len(), 7);
        for e in &got {
            let v = e.json();
            assert_eq!(v["type"], e.kind.as_str());
            assert_eq!(v["execution_id"], "abc-3");
            assert_eq!(v["workflow_id"], "wf");
            let ts = v["timestamp"].as_str().unwrap();
            assert!(humantime::parse_rfc3339(ts).is_ok(), "{ts}");
        }
        let v = got[0].json();
        assert_eq!(
            (
                v["tick"].as_u64(),
                v["node_count"].as_u64(),
                v["bar_time"].as_str()
            ),
            (Some(3), Some(2), Some("2024-01-01"))
        );
        let v = got[2].json();
        assert_eq!(v["status"], "success");
        assert_eq!(v["outputs"]["price"], 1.5);
        assert!(v["duration_ms"].is_f64());
        let v = got[4].json();
        assert_eq!(
            (
                v["error"].as_str(),
                v["error_type"].as_str(),
                v["attempts"].as_u64()
            ),
            (Some("boom"), Some("Transient"), Some(3))
        );
        let v = got[5].json();
        assert_eq!(v["status"], "failed");
        assert_eq!(v["results"]["rsi"], 50.0);
        assert_eq!(got[6].execution_id.as_ref(), "abc-3");
        // No bar_time outside replay.
        ev.execution_started(&id, 0, 1, None);
        assert!(rx.try_recv().unwrap().json().get("bar_time").is_none());
    }

    #[test]
    fn run_ids_differ() {
        let a = new_run_id();
        let b = new_run_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 16);
    }
}
