flow_runtime::workflow! {
    workflow w {
        param size: f64 = 1
        node px = binanse.price(pair: "BTCUSDT")
        output p = px.price * size
    }
}

fn main() {
    let _ = w::Params::new();
}
