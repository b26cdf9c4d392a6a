//! Binance spot market data: `binance.price`, `order_book`, `candles`, `balance`, `funding`.
//! In `sim` the simulated Binance (the reference venue, basis 0); in `replay` the CSV.

exchange_venue!("binance");
