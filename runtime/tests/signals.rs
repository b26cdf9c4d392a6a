//! Signals, in their own test binary because handlers are process-wide: `SIGUSR1` halts,
//! `SIGUSR2` resumes, and Ctrl-C (`SIGINT`) ends a run after the tick in flight.
#![cfg(unix)]

mod common;

use std::time::Duration;

use common::Signaller;
use flow_runtime::__private::tokio;
use flow_runtime::config::RunConfig;
use flow_runtime::halt::Halt;
use flow_runtime::run::Runner;

fn kill(signal: &str) {
    let status = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(std::process::id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits until `cond` holds, letting the signal listener run; delivery is asynchronous, so
/// this polls (bounded) rather than assuming a delay.
async fn until(cond: impl Fn() -> bool) -> bool {
    for _ in 0..2_000 {
        if cond() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    cond()
}

#[tokio::test]
async fn sigusr1_halts_and_sigusr2_resumes() {
    let halt = Halt::off();
    halt.listen_for_signals().unwrap();
    assert!(!halt.is_halted());
    kill("USR1");
    assert!(until(|| halt.is_halted()).await, "SIGUSR1 did not halt");
    kill("USR2");
    assert!(until(|| !halt.is_halted()).await, "SIGUSR2 did not resume");
}

#[test]
fn ctrl_c_finishes_the_tick_in_flight_and_ends_the_run() {
    // An endless `schedule every` run that sends itself SIGINT during tick 3.
    let config = RunConfig {
        params: vec![("at".into(), "3".into()), ("signal".into(), "INT".into())],
        ..RunConfig::default()
    };
    let mut runner = Runner::<Signaller>::new(config).handle_signals(true);
    // A safety net so a lost signal fails the test instead of hanging it.
    let stop = runner.stop_handle();
    runner.subscribe(move |e| {
        if e.kind == flow_runtime::events::EventKind::ExecutionStarted && e.json()["tick"] == 1000 {
            stop.stop();
        }
    });
    let report = runner.run_blocking().unwrap();
    assert!(report.interrupted);
    // Tick 3 finished; the signal is seen within a tick or two after it.
    assert!((4..=6).contains(&report.ticks), "{} ticks", report.ticks);
    assert_eq!(report.failed_ticks, 0);
    assert_eq!(report.exit_code(), 0);
}
