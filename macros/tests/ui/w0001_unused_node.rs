#![deny(deprecated)]

flow_runtime::workflow! {
    workflow w {
        node px = binance.price(pair: "BTCUSDT")
        node unread = ta.sma(input: px.price, period: 3)
        output p = px.price
    }
}

fn main() {}
