//! The replayed market and the paper ledger through the public API, as the tick loop and
//! generated code use them: a Yahoo-style CSV (unnamed date column, quoted dates, an extra
//! `Adj Close` column, a blank line), one tick per row, market and limit orders filling at
//! the replayed prices with the fee.

use flow_runtime::ledger::{Ledger, OrderRequest};
use flow_runtime::market::Market;
use flow_runtime::node::ErrorKind;
use flow_runtime::types::{OrderStatus, Side};

fn csv() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/yahoo_btc.csv");
    std::fs::read_to_string(path).expect("test data")
}

fn order(side: Side, amount: f64, limit: f64) -> OrderRequest {
    OrderRequest {
        venue: "binance".into(),
        pair: "BTCUSDT".into(),
        side,
        amount,
        limit,
    }
}

#[test]
fn a_yahoo_csv_replays_row_by_row_with_paper_fills() {
    let mut market = Market::replay(&csv(), "yahoo_btc.csv").expect("valid");
    assert_eq!(market.bars(), Some(5));
    let mut ledger = Ledger::new(100_000.0, 10.0);
    let day = 86_400_000;

    market.begin_tick(0, 1_704_067_200_000);
    ledger.on_tick(&market);
    assert_eq!(market.bar_time().as_deref(), Some("2024-01-01"));
    assert_eq!(market.price("binance", "BTCUSDT"), Ok(44_167.33));
    let q = market.quote("binance", "BTCUSDT").expect("quote");
    let buy = ledger
        .place(order(Side::Buy, 1.0, 0.0), &q, 0, 0)
        .expect("buy");
    assert_eq!(
        (buy.status, buy.fill_price),
        (OrderStatus::Filled, Some(44_167.33))
    );
    // A resting buy at 41 000 waits for a bar whose low reaches it: row 2 (low 40 813.53).
    let rest = ledger
        .place(order(Side::Buy, 1.0, 41_000.0), &q, 0, 0)
        .expect("rests");
    assert_eq!(rest.status, OrderStatus::Open);

    market.begin_tick(1, 1_704_067_200_000 + day);
    ledger.on_tick(&market);
    assert_eq!(
        ledger.order(&rest.id).map(|o| o.status),
        Some(OrderStatus::Open)
    );
    market.begin_tick(2, 1_704_067_200_000 + 2 * day);
    ledger.on_tick(&market);
    let filled = ledger.order(&rest.id).expect("known");
    assert_eq!(
        (filled.status, filled.fill_price),
        (OrderStatus::Filled, Some(41_000.0))
    );
    assert_eq!(ledger.position("binance", "BTCUSDT"), 2.0);

    market.begin_tick(3, 1_704_067_200_000 + 3 * day);
    ledger.on_tick(&market);
    let q = market.quote("binance", "BTCUSDT").expect("quote");
    let sell = ledger
        .place(order(Side::Sell, 2.0, 0.0), &q, 3, 0)
        .expect("sell");
    assert_eq!(sell.fill_price, Some(44_179.92));
    assert_eq!(
        ledger
            .place(order(Side::Sell, 0.1, 0.0), &q, 3, 0)
            .unwrap_err()
            .kind,
        ErrorKind::Rejected
    );

    let s = ledger.summary();
    let avg = (44_167.33 + 41_000.0) / 2.0;
    let realized = 2.0 * (44_179.92 - avg);
    let fees = (44_167.33 + 41_000.0 + 2.0 * 44_179.92) * 10.0 / 10_000.0;
    assert!((s.realized_pnl - realized).abs() < 1e-6);
    assert!((s.fees - fees).abs() < 1e-6);
    assert!((s.cash - (100_000.0 + realized - fees)).abs() < 1e-6);
    assert_eq!((s.trades, s.open_orders), (3, 0));
    assert!((s.equity - s.cash).abs() < 1e-9, "flat: equity is cash");

    // Past the last row the replay stays on it.
    market.begin_tick(9, 0);
    assert_eq!(market.bar_time().as_deref(), Some("2024-01-05"));
}

#[test]
fn csv_errors_name_source_row_and_column() {
    let broken = csv().replace("44957.97,44957.97", "n/a,44957.97");
    let e = Market::replay(&broken, "yahoo_btc.csv").unwrap_err();
    assert_eq!(
        e.to_string(),
        "yahoo_btc.csv: row 4, column \"Close\": expected a number, found \"n/a\""
    );
    assert_eq!((e.row, e.column.as_deref()), (Some(4), Some("Close")));
}
