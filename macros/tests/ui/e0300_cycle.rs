flow_runtime::workflow! {
    workflow w {
        node a = ta.sma(input: c.value, period: 3)
        node b = ta.ema(input: a.value, period: 3)
        node c = ta.rsi(input: b.value)
        output o = c.value
    }
}

fn main() -> std::process::ExitCode {
    w::main()
}
