//! The example's programs run as a user runs them.

use std::process::Command;

#[test]
fn the_template_program_takes_the_executables_flags() {
    let out = Command::new(env!("CARGO_BIN_EXE_macro-strategy"))
        .args(["--ticks", "20", "--seed", "7", "--events", "-"])
        .output()
        .expect("the program starts");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.matches("\"execution_started\"").count(), 20);
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(summary.contains("rsi_mean_reversion (sim)"), "{summary}");

    let bad = Command::new(env!("CARGO_BIN_EXE_macro-strategy"))
        .args(["--param", "pear=ETHUSDT"])
        .output()
        .expect("the program starts");
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_user_node_program_runs_in_process() {
    let out = Command::new(env!("CARGO_BIN_EXE_zscore"))
        .output()
        .expect("the program starts");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("500 ticks, "), "{stdout}");
}
