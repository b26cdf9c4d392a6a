// Warnings are deprecation warnings on the token; denying them makes this case fail.
#![deny(warnings)]

flow_runtime::workflow! {
    workflow w {
        param unused: f64 = 1
        node px = binance.price(pair: "BTCUSDT")
        output p = px.price
    }
}

fn main() -> std::process::ExitCode {
    w::main()
}
