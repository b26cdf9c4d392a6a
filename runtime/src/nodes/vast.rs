//! The GPU marketplace (vast.ai): offers, pricing, renting and releasing.
//!
//! In `sim` and `replay` these use the simulated marketplace of the run's market (see
//! `market::gpu`): realistic offers, deterministic per seed, varying per tick; rentals are
//! simulated and their $/h is committed on the paper ledger, which `risk.budget` reads. In
//! `live` the real requests are ready ([`crate::market::vast`]) but the client that sends
//! them is not part of this build, so these nodes answer `Unsupported`.

use crate::node::NodeError;
use crate::types::GpuOffer;

/// vast.ai names GPUs with spaces (`RTX 4090`), its CLI with underscores (`RTX_4090`);
/// compare them uppercased with runs of spaces and underscores as one space.
pub(crate) fn gpu_key(name: &str) -> String {
    name.split(|c: char| c == '_' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase()
}

/// Filters and sorts offers as `vast.offers` does: rentable, the GPU model (`""` or `any`
/// for every model), exactly `num_gpus` GPUs, at most `max_dph`, at least
/// `min_reliability`; cheapest first, ties by id.
pub(crate) fn select(
    offers: Vec<GpuOffer>,
    gpu: &str,
    num_gpus: i64,
    max_dph: f64,
    min_reliability: f64,
) -> Vec<GpuOffer> {
    let want = gpu_key(gpu);
    let any = want.is_empty() || want == "ANY";
    let mut out: Vec<GpuOffer> = offers
        .into_iter()
        .filter(|o| o.rentable)
        .filter(|o| any || gpu_key(&o.gpu_name) == want)
        .filter(|o| {
            o.num_gpus == num_gpus && o.dph_total <= max_dph && o.reliability >= min_reliability
        })
        .collect();
    out.sort_by(|a, b| a.dph_total.total_cmp(&b.dph_total).then(a.id.cmp(&b.id)));
    out
}

/// The checked inputs of `vast.offers`.
pub(crate) fn check_query(
    num_gpus: i64,
    max_dph: f64,
    min_reliability: f64,
) -> Result<(), NodeError> {
    if !(1..=64).contains(&num_gpus) {
        return Err(NodeError::invalid(format!(
            "num_gpus must be between 1 and 64, got {num_gpus}"
        )));
    }
    if max_dph.is_nan() || max_dph <= 0.0 {
        return Err(NodeError::invalid(format!(
            "max_dph must be a positive price in $/h, got {max_dph}"
        )));
    }
    if !(0.0..=1.0).contains(&min_reliability) {
        return Err(NodeError::invalid(format!(
            "min_reliability must be between 0 and 1, got {min_reliability}"
        )));
    }
    Ok(())
}

/// Rentable offers for a GPU model, filtered by count, price and reliability, cheapest first.
pub mod offers {
    use crate::ctx::Ctx;
    use crate::node::{Io, NodeError};
    use crate::nodes::lock;
    use crate::types::GpuOffers;

    node! {
        kind "vast.offers", io;
        in { gpu: String, num_gpus: i64, max_dph: f64, min_reliability: f64 }
        out { offers: GpuOffers, count: i64 }
    }

    #[derive(Debug, Default)]
    pub struct Node;

    impl Io for Node {
        async fn run(&mut self, cx: &Ctx, i: In) -> Result<Out, NodeError> {
            super::check_query(i.num_gpus, i.max_dph, i.min_reliability)?;
            let listed = lock(&cx.market).gpu_offers()?;
            let offers = super::select(listed, &i.gpu, i.num_gpus, i.max_dph, i.min_reliability);
            let count = i64::try_from(offers.len()).unwrap_or(i64::MAX);
            Ok(Out {
                offers: GpuOffers { offers },
                count,
            })
        }
    }
}

/// The cheapest offer, the cheapest and median $/h, and the cheapest offer's $/h per
/// DLPerf point (vast.ai's deep-learning TFLOPS estimate; infinite when it has none).
pub mod pricing {
    use crate::node::NodeError;
    use crate::types::{GpuOffer, GpuOffers};

    node! {
        kind "vast.pricing", compute, step;
        in { offers: GpuOffers }
        out { best: GpuOffer, best_dph: f64, median_dph: f64, dph_per_tflop: f64 }
    }

    #[derive(Debug, Default)]
    pub struct Node;

    impl Node {
        pub fn step(&mut self, i: In) -> Result<Out, NodeError> {
            let mut prices: Vec<f64> = i.offers.offers.iter().map(|o| o.dph_total).collect();
            if prices.iter().any(|p| !p.is_finite()) {
                return Err(NodeError::invalid("an offer has a non-finite dph_total"));
            }
            let best = i
                .offers
                .offers
                .iter()
                .min_by(|a, b| a.dph_total.total_cmp(&b.dph_total).then(a.id.cmp(&b.id)))
                .cloned()
                .ok_or_else(|| {
                    NodeError::invalid("no offers to price; gate on `offers.count > 0`")
                })?;
            prices.sort_by(f64::total_cmp);
            let n = prices.len();
            let median_dph = if n % 2 == 1 {
                prices[n / 2]
            } else {
                (prices[n / 2 - 1] + prices[n / 2]) / 2.0
            };
            Ok(Out {
                best_dph: best.dph_total,
                median_dph,
                dph_per_tflop: best.dph_per_dlperf(),
                best,
            })
        }
    }
}

/// Rents an offer with a Docker image and disk size (GB). Simulated in `sim` and `replay`:
/// the offer must still be listed (else `Rejected`), it leaves the market, and its current
/// $/h is committed on the ledger.
pub mod allocate {
    use crate::ctx::Ctx;
    use crate::node::{Io, NodeError};
    use crate::nodes::{lock, name};
    use crate::types::{Allocation, GpuOffer};

    node! {
        kind "vast.allocate", effect;
        in { offer: GpuOffer, image: String, disk_gb: f64 }
        out { instance: Allocation, id: i64 }
    }

    #[derive(Debug, Default)]
    pub struct Node;

    impl Io for Node {
        async fn run(&mut self, cx: &Ctx, i: In) -> Result<Out, NodeError> {
            let image = name("image", &i.image)?;
            if image.chars().any(char::is_whitespace) {
                return Err(NodeError::invalid(
                    "image must be one Docker image reference, without spaces",
                ));
            }
            if !(i.disk_gb.is_finite() && i.disk_gb > 0.0 && i.disk_gb <= 100_000.0) {
                return Err(NodeError::invalid(format!(
                    "disk_gb must be between 0 and 100000, got {}",
                    i.disk_gb
                )));
            }
            crate::nodes::trade::paper_only(cx, &format!("renting vast.ai offer {}", i.offer.id))?;
            let (id, listed) = lock(&cx.market).rent_gpu(i.offer.id)?;
            lock(&cx.ledger).add_gpu_dph(listed.dph_total);
            let instance = Allocation {
                id,
                offer_id: listed.id,
                gpu_name: listed.gpu_name,
                num_gpus: listed.num_gpus,
                image: image.to_string(),
                disk_gb: i.disk_gb,
                dph_total: listed.dph_total,
                status: "running".into(),
                created_ms: cx.clock.now_ms(),
                simulated: true,
            };
            Ok(Out { instance, id })
        }
    }
}

/// Releases a rented instance: the offer returns to the market and its $/h is no longer
/// committed. `ok` is false when it was not rented (already released).
pub mod release {
    use crate::ctx::Ctx;
    use crate::node::{ErrorKind, Io, NodeError};
    use crate::nodes::lock;
    use crate::types::Allocation;

    node! {
        kind "vast.release", effect;
        in { instance: Allocation }
        out { ok: bool }
    }

    #[derive(Debug, Default)]
    pub struct Node;

    impl Io for Node {
        async fn run(&mut self, cx: &Ctx, i: In) -> Result<Out, NodeError> {
            if !i.instance.simulated {
                return Err(NodeError::new(
                    ErrorKind::Unsupported,
                    format!(
                        "instance {} is a real rental; releasing it needs the vast.ai client",
                        i.instance.id
                    ),
                ));
            }
            crate::nodes::trade::paper_only(
                cx,
                &format!("releasing vast.ai instance {}", i.instance.id),
            )?;
            let ok = lock(&cx.market).release_gpu(i.instance.offer_id);
            if ok {
                lock(&cx.ledger).add_gpu_dph(-i.instance.dph_total);
            }
            Ok(Out { ok })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Mode;
    use crate::ctx::Ctx;
    use crate::ledger::Ledger;
    use crate::market::Market;
    use crate::node::{ErrorKind, Io, NodeKind};
    use crate::nodes::{lock, testkit};
    use crate::types::GpuOffers;

    fn query(gpu: &str) -> offers::In {
        offers::In {
            gpu: gpu.into(),
            num_gpus: 1,
            max_dph: f64::INFINITY,
            min_reliability: 0.95,
        }
    }

    #[tokio::test]
    async fn offers_filter_and_sort() {
        let cx = testkit::sim(2);
        let o = offers::Node::new()
            .run(&cx, query("RTX 4090"))
            .await
            .expect("offers");
        assert!(o.count > 0);
        assert_eq!(o.count as usize, o.offers.offers.len());
        assert!(
            o.offers
                .offers
                .windows(2)
                .all(|w| w[0].dph_total <= w[1].dph_total),
            "cheapest first"
        );
        for x in &o.offers.offers {
            assert_eq!((x.gpu_name.as_str(), x.num_gpus), ("RTX 4090", 1));
            assert!(x.reliability >= 0.95 && x.rentable);
        }
        // The CLI's spelling and lower case name the same model.
        let same = offers::Node::new()
            .run(&cx, query("rtx_4090"))
            .await
            .expect("offers");
        assert_eq!(same.offers, o.offers);
        let cap = o.offers.offers[0].dph_total;
        let cheap = offers::Node::new()
            .run(
                &cx,
                offers::In {
                    max_dph: cap,
                    ..query("RTX 4090")
                },
            )
            .await
            .expect("offers");
        assert!(cheap.count >= 1 && cheap.offers.offers.iter().all(|x| x.dph_total <= cap));
        let h100 = offers::Node::new()
            .run(
                &cx,
                offers::In {
                    num_gpus: 8,
                    ..query("H100 SXM")
                },
            )
            .await
            .expect("offers");
        assert!(
            h100.offers
                .offers
                .iter()
                .all(|x| x.num_gpus == 8 && x.gpu_ram == 81559)
        );
        let none = offers::Node::new()
            .run(&cx, query("GTX 9999"))
            .await
            .expect("offers");
        assert_eq!(none.count, 0);
        for bad in [
            offers::In {
                num_gpus: 0,
                ..query("RTX 4090")
            },
            offers::In {
                max_dph: f64::NAN,
                ..query("RTX 4090")
            },
            offers::In {
                max_dph: 0.0,
                ..query("RTX 4090")
            },
            offers::In {
                min_reliability: 1.5,
                ..query("RTX 4090")
            },
        ] {
            assert_eq!(
                offers::Node::new().run(&cx, bad).await.unwrap_err().kind,
                ErrorKind::InvalidInput
            );
        }
    }

    #[tokio::test]
    async fn pricing_takes_cheapest_median_and_per_tflop() {
        let cx = testkit::sim(2);
        let o = offers::Node::new()
            .run(&cx, query("RTX 3090"))
            .await
            .expect("offers");
        let p = pricing::Node
            .step(pricing::In {
                offers: o.offers.clone(),
            })
            .expect("pricing");
        assert_eq!(p.best, o.offers.offers[0]);
        assert_eq!(p.best_dph, p.best.dph_total);
        assert_eq!(p.dph_per_tflop, p.best.dph_total / p.best.dlperf);
        // By hand: prices 0.3, 0.1, 0.2, 0.4 → best 0.1, median 0.25.
        let mut offers = Vec::new();
        for (i, dph) in [0.3, 0.1, 0.2, 0.4].into_iter().enumerate() {
            let mut x = o.offers.offers[0].clone();
            x.id = i as i64;
            x.dph_total = dph;
            x.dlperf = 50.0;
            offers.push(x);
        }
        let p = pricing::Node
            .step(pricing::In {
                offers: GpuOffers {
                    offers: offers.clone(),
                },
            })
            .expect("pricing");
        assert_eq!((p.best.id, p.best_dph, p.median_dph), (1, 0.1, 0.25));
        assert!((p.dph_per_tflop - 0.002).abs() < 1e-15);
        offers.pop();
        let p = pricing::Node
            .step(pricing::In {
                offers: GpuOffers { offers },
            })
            .expect("pricing");
        assert_eq!(p.median_dph, 0.2);
        let e = pricing::Node
            .step(pricing::In {
                offers: GpuOffers::default(),
            })
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
    }

    #[tokio::test]
    async fn allocate_rents_commits_spend_and_releases() {
        let cx = testkit::sim(5);
        let o = offers::Node::new()
            .run(&cx, query("RTX 4090"))
            .await
            .expect("offers");
        let best = o.offers.offers[0].clone();
        let i = allocate::In {
            offer: best.clone(),
            image: "pytorch/pytorch:latest".into(),
            disk_gb: 40.0,
        };
        let a = allocate::Node::new()
            .run(&cx, i.clone())
            .await
            .expect("rented");
        assert_eq!(a.id, a.instance.id);
        assert_eq!(
            (a.instance.offer_id, a.instance.status.as_str()),
            (best.id, "running")
        );
        assert!(a.instance.simulated);
        assert_eq!(lock(&cx.ledger).gpu_dph(), best.dph_total);
        // It left the market: renting it again is rejected, and offers no longer list it.
        assert_eq!(
            allocate::Node::new()
                .run(&cx, i.clone())
                .await
                .unwrap_err()
                .kind,
            ErrorKind::Rejected
        );
        let after = offers::Node::new()
            .run(&cx, query("RTX 4090"))
            .await
            .expect("offers");
        assert!(after.offers.offers.iter().all(|x| x.id != best.id));
        let r = release::Node::new()
            .run(
                &cx,
                release::In {
                    instance: a.instance.clone(),
                },
            )
            .await
            .expect("released");
        assert!(r.ok);
        assert_eq!(lock(&cx.ledger).gpu_dph(), 0.0);
        let r = release::Node::new()
            .run(
                &cx,
                release::In {
                    instance: a.instance,
                },
            )
            .await
            .expect("ok");
        assert!(!r.ok, "already released");
        for bad in [
            allocate::In {
                image: " ".into(),
                ..i.clone()
            },
            allocate::In {
                image: "a b".into(),
                ..i.clone()
            },
            allocate::In {
                disk_gb: 0.0,
                ..i.clone()
            },
            allocate::In {
                disk_gb: f64::NAN,
                ..i.clone()
            },
        ] {
            assert_eq!(
                allocate::Node::new().run(&cx, bad).await.unwrap_err().kind,
                ErrorKind::InvalidInput
            );
        }
        let mut live = Ctx::for_tests(Market::live(), Ledger::new(0.0, 0.0));
        assert_eq!(
            offers::Node::new()
                .run(&live, query("RTX 4090"))
                .await
                .unwrap_err()
                .kind,
            ErrorKind::Unsupported
        );
        live.config.mode = Mode::Live;
        live.config.live_orders = true;
        assert_eq!(
            allocate::Node::new().run(&live, i).await.unwrap_err().kind,
            ErrorKind::Unsupported
        );
    }

    #[test]
    fn gpu_names_compare_loosely() {
        assert_eq!(gpu_key("rtx_4090"), "RTX 4090");
        assert_eq!(gpu_key("  A100   SXM4 "), "A100 SXM4");
    }
}
