flow_runtime::workflow! {
    workflow w {
        node px = binance.price(pair "BTCUSDT")
        output p = px.price
    }
}

fn main() {
    let _ = w::main;
}
