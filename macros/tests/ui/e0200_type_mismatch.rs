flow_runtime::workflow! {
    workflow w {
        param pair: String = "BTCUSDT"
        node px = binance.price(pair: pair)
        node avg = ta.sma(input: px.price, period: "fourteen")
        output a = avg.value
    }
}

fn main() {
    let params = w::Params::new();
    let _ = w::Workflow::runner(params);
}
