//! Trading-pair names across venues: `BTCUSDT` (Binance), `XBTUSD` / `XXBTZUSD` (Kraken),
//! `BTC/USD`, `btc-usdt` all name the same asset. The simulation keys its price series by
//! the normalized asset so Kraken's BTC tracks Binance's, and the ledger's balances know
//! which asset a pair trades.

/// Quote currencies recognised as a pair's suffix, longest first where one is a suffix of
/// another (`BUSD` before `USD`).
const QUOTES: &[&str] = &[
    "USDT", "USDC", "FDUSD", "TUSD", "BUSD", "DAI", "USD", "EUR", "GBP", "JPY", "BTC", "XBT", "ETH",
];

/// A pair split into base and quote asset, both normalized (uppercase, Kraken's `XBT` →
/// `BTC`, dollar stablecoins → `USD`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pair {
    pub(crate) base: String,
    pub(crate) quote: String,
}

impl Pair {
    /// The key of the asset's simulated series, e.g. `BTC-USD`.
    pub(crate) fn key(&self) -> String {
        format!("{}-{}", self.base, self.quote)
    }
}

/// Normalizes an asset name: uppercase, `XBT` → `BTC`, `XDG` → `DOGE`, dollar stablecoins
/// and Kraken's `ZUSD` → `USD`.
pub(crate) fn normalize_asset(asset: &str) -> String {
    let a = asset.trim().to_ascii_uppercase();
    match a.as_str() {
        "XBT" | "XXBT" => "BTC".into(),
        "XDG" | "XXDG" => "DOGE".into(),
        "XETH" => "ETH".into(),
        "USDT" | "USDC" | "BUSD" | "FDUSD" | "TUSD" | "DAI" | "ZUSD" => "USD".into(),
        "ZEUR" => "EUR".into(),
        _ => a,
    }
}

/// Splits a pair as venues write it. Unknown shapes become the whole name as the base,
/// quoted in USD, so any name still gets a deterministic series of its own.
pub(crate) fn split_pair(pair: &str) -> Pair {
    let p = pair.trim().to_ascii_uppercase();
    if let Some((base, quote)) = p.split_once(['/', '-', '_', ':'])
        && !base.is_empty()
        && !quote.is_empty()
    {
        return Pair {
            base: normalize_asset(base),
            quote: normalize_asset(quote),
        };
    }
    // Kraken's legacy four-letter codes: XXBTZUSD, XETHZEUR.
    let b = p.as_bytes();
    if b.len() == 8 && b[0] == b'X' && b[4] == b'Z' && p.is_ascii() {
        return Pair {
            base: normalize_asset(&p[1..4]),
            quote: normalize_asset(&p[5..8]),
        };
    }
    // Several quotes may match (`XBTUSD` ends in `TUSD` and in `USD`): prefer the split
    // whose base is a known asset, then the first (longest) match.
    let splits: Vec<(&str, &str)> = QUOTES
        .iter()
        .filter_map(|q| p.strip_suffix(q).filter(|b| !b.is_empty()).map(|b| (b, *q)))
        .collect();
    let known = splits
        .iter()
        .find(|(b, _)| reference(&normalize_asset(b)).is_some());
    if let Some((base, q)) = known.or(splits.first()) {
        return Pair {
            base: normalize_asset(base),
            quote: normalize_asset(q),
        };
    }
    Pair {
        base: normalize_asset(&p),
        quote: "USD".into(),
    }
}

/// Whether an asset name is the ledger's cash (the quote currency of the paper account).
pub(crate) fn is_cash(asset: &str) -> bool {
    normalize_asset(asset) == "USD"
}

/// Reference USD price, per-tick volatility and per-tick volume (in USD) of well-known
/// assets; the simulation starts its random walks there.
pub(crate) fn reference(base: &str) -> Option<(f64, f64, f64)> {
    Some(match base {
        "BTC" => (65_000.0, 0.0012, 2_500_000.0),
        "ETH" => (3_200.0, 0.0015, 1_200_000.0),
        "SOL" => (150.0, 0.0022, 400_000.0),
        "BNB" => (580.0, 0.0015, 200_000.0),
        "XRP" => (0.55, 0.0020, 250_000.0),
        "DOGE" => (0.15, 0.0025, 200_000.0),
        "ADA" => (0.45, 0.0022, 100_000.0),
        "AVAX" => (35.0, 0.0025, 80_000.0),
        "LINK" => (15.0, 0.0022, 80_000.0),
        "DOT" => (7.0, 0.0022, 60_000.0),
        "LTC" => (80.0, 0.0018, 60_000.0),
        "MATIC" | "POL" => (0.7, 0.0025, 50_000.0),
        "USD" => (1.0, 0.00002, 1_000_000.0),
        "EUR" => (1.08, 0.0001, 1_000_000.0),
        "GBP" => (1.27, 0.0001, 1_000_000.0),
        "JPY" => (0.0067, 0.0001, 1_000_000.0),
        _ => return None,
    })
}

/// The number of decimals prices of this magnitude are quoted with: about six significant
/// digits (65000.0 → 1, 3200.00 → 2, 0.150000 → 6), between 0 and 8.
pub(crate) fn price_decimals(price: f64) -> u32 {
    if !(price.is_finite() && price > 0.0) {
        return 2;
    }
    let magnitude = price.log10().floor() as i64;
    (5 - magnitude).clamp(0, 8) as u32
}

/// Rounds to `decimals` places (half away from zero). Dividing by the power of ten gives
/// the `f64` nearest the decimal value, so quoted prices print cleanly.
pub(crate) fn round_to(x: f64, decimals: u32) -> f64 {
    let p = 10f64.powi(decimals as i32);
    (x * p).round() / p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(p: &str) -> (String, String) {
        let s = split_pair(p);
        (s.base, s.quote)
    }

    #[test]
    fn venue_spellings_name_the_same_asset() {
        let btc = ("BTC".to_string(), "USD".to_string());
        for p in [
            "BTCUSDT", "XBTUSD", "XXBTZUSD", "BTC/USD", "btc-usdt", "BTCUSDC", "XBT/USD",
        ] {
            assert_eq!(split(p), btc, "{p}");
        }
        assert_eq!(split("BTCTUSD"), btc);
        assert_eq!(split("ETHBTC"), ("ETH".into(), "BTC".into()));
        assert_eq!(split("XETHZEUR"), ("ETH".into(), "EUR".into()));
        assert_eq!(split("WEIRD"), ("WEIRD".into(), "USD".into()));
        assert_eq!(split("USDT"), ("USD".into(), "USD".into()));
        assert_eq!(split(""), ("".into(), "USD".into()));
        assert_eq!(
            split("\u{e9}\u{e9}\u{e9}\u{e9}"),
            ("\u{e9}\u{e9}\u{e9}\u{e9}".into(), "USD".into())
        );
        assert_eq!(split_pair("BTCUSDT").key(), "BTC-USD");
        assert!(is_cash("usdt") && is_cash("ZUSD") && !is_cash("BTC"));
    }

    #[test]
    fn decimals_follow_magnitude() {
        assert_eq!(price_decimals(65_000.0), 1);
        assert_eq!(price_decimals(3_200.0), 2);
        assert_eq!(price_decimals(0.15), 6);
        assert_eq!(price_decimals(1e-12), 8);
        assert_eq!(price_decimals(1e12), 0);
        assert_eq!(round_to(65_000.04, 1), 65_000.0);
        assert_eq!(round_to(0.123_456_78, 6), 0.123_457);
    }
}
