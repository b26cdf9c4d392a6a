//! Kraken market data: `kraken.price`, `order_book`, `candles`, `balance`, `funding`. Pairs
//! may be written Kraken's way (`XBTUSD`, `XXBTZUSD`) or Binance's (`BTCUSDT`): they name the
//! same asset. In `sim`, Kraken tracks Binance with a small, varying basis.

exchange_venue!("kraken");
