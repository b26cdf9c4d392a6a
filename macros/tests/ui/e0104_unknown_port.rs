flow_runtime::workflow! {
    workflow w {
        node px = binance.price(pair: "BTCUSDT")
        output p = px.prise
    }
}

fn main() -> std::process::ExitCode {
    w::main()
}
