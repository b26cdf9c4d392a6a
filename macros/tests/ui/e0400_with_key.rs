flow_runtime::workflow! {
    workflow w {
        node px = binance.price(pair: "BTCUSDT") with { retries: 3, timeout: 2s }
        output p = px.price
    }
}

fn main() -> std::process::ExitCode {
    w::main()
}
