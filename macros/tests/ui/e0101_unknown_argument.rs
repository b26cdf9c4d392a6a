flow_runtime::workflow! {
    workflow w {
        node px = binance.price(pear: "BTCUSDT")
        output p = px.price
    }
}

fn main() -> std::process::ExitCode {
    w::main()
}
