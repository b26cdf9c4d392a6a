flow_runtime::workflow! {
    workflow w {
        param size: f64 = "big"
        node px = binance.price(pair: "BTCUSDT")
        output notional = px.price * size
    }
}

fn main() {
    // The placeholder keeps the workflow's API, so this line adds no error of its own.
    let _ = w::Workflow::runner(w::Params::new());
}
