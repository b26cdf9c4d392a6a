//! The simulated GPU rental marketplace behind `vast.offers` and `vast.allocate` in `sim`
//! and `replay` modes.
//!
//! A pool of hosts is drawn once per seed: every GPU model of [`MODELS`] in the counts vast.ai
//! lists it with (consumer cards mostly single, data-centre cards up to 8), each host with
//! its own reliability, bandwidth, location and base price. Per tick, a host's offer comes
//! and goes in episodes of a few ticks (about 80% listed) and its price moves a few percent,
//! so offers vary per tick but not erratically. A rented offer leaves the market until it is
//! released. All of it is a function of (seed, tick) and the rentals made.

use std::collections::BTreeSet;

use super::rng::{Rng, hash_parts, mix_seed};
use super::symbol::round_to;
use crate::types::GpuOffer;

/// One GPU model: vast.ai's name, memory per GPU (MB), DLPerf and FP32 TFLOPS per GPU, a
/// typical $/h per GPU, and the GPU counts hosts offer it in.
struct Model {
    name: &'static str,
    gpu_ram: i64,
    dlperf: f64,
    tflops: f64,
    dph: f64,
    counts: &'static [i64],
}

/// The GPU counts every model is listed in.
const COUNTS: &[i64] = &[1, 2, 4, 8];

const MODELS: &[Model] = &[
    Model {
        name: "RTX 3060",
        gpu_ram: 12288,
        dlperf: 13.0,
        tflops: 12.7,
        dph: 0.07,
        counts: COUNTS,
    },
    Model {
        name: "RTX 3080",
        gpu_ram: 10240,
        dlperf: 25.0,
        tflops: 29.8,
        dph: 0.12,
        counts: COUNTS,
    },
    Model {
        name: "RTX 3090",
        gpu_ram: 24576,
        dlperf: 33.0,
        tflops: 35.6,
        dph: 0.20,
        counts: COUNTS,
    },
    Model {
        name: "RTX 4080",
        gpu_ram: 16376,
        dlperf: 45.0,
        tflops: 48.7,
        dph: 0.25,
        counts: COUNTS,
    },
    Model {
        name: "RTX 4090",
        gpu_ram: 24564,
        dlperf: 75.0,
        tflops: 82.6,
        dph: 0.38,
        counts: COUNTS,
    },
    Model {
        name: "RTX 5090",
        gpu_ram: 32607,
        dlperf: 105.0,
        tflops: 104.8,
        dph: 0.65,
        counts: COUNTS,
    },
    Model {
        name: "RTX A6000",
        gpu_ram: 49140,
        dlperf: 42.0,
        tflops: 38.7,
        dph: 0.45,
        counts: COUNTS,
    },
    Model {
        name: "L40S",
        gpu_ram: 46068,
        dlperf: 80.0,
        tflops: 91.6,
        dph: 0.75,
        counts: COUNTS,
    },
    Model {
        name: "A100 PCIE",
        gpu_ram: 40960,
        dlperf: 95.0,
        tflops: 19.5,
        dph: 0.80,
        counts: COUNTS,
    },
    Model {
        name: "A100 SXM4",
        gpu_ram: 81920,
        dlperf: 120.0,
        tflops: 19.5,
        dph: 1.10,
        counts: COUNTS,
    },
    Model {
        name: "H100 PCIE",
        gpu_ram: 81559,
        dlperf: 160.0,
        tflops: 51.2,
        dph: 1.70,
        counts: COUNTS,
    },
    Model {
        name: "H100 SXM",
        gpu_ram: 81559,
        dlperf: 220.0,
        tflops: 66.9,
        dph: 2.20,
        counts: COUNTS,
    },
];

const PLACES: &[&str] = &[
    "United States, US",
    "Canada, CA",
    "Sweden, SE",
    "Germany, DE",
    "Netherlands, NL",
    "France, FR",
    "Poland, PL",
    "Japan, JP",
    "Taiwan, TW",
    "Australia, AU",
];

/// One host and the offer it lists.
#[derive(Debug, Clone)]
struct Host {
    key: u64,
    offer: GpuOffer,
    /// The offer's base price; each tick moves it a few percent.
    base_dph: f64,
    /// Ticks per listing episode (the offer is listed or not for this many ticks at once).
    episode: u64,
}

/// The simulated marketplace.
#[derive(Debug)]
pub(crate) struct GpuMarket {
    seed: u64,
    hosts: Vec<Host>,
    rented: BTreeSet<i64>,
    next_instance: i64,
}

impl GpuMarket {
    pub(crate) fn new(seed: u64) -> GpuMarket {
        let mut hosts = Vec::new();
        for (mi, m) in MODELS.iter().enumerate() {
            for &count in m.counts {
                let mut rng = Rng::new(mix_seed(
                    seed,
                    &[hash_parts(&[b"gpu-hosts", m.name.as_bytes()]), count as u64],
                ));
                // Single-GPU listings are the most common; eight-GPU boxes the rarest.
                let n = match count {
                    1 => 8 + rng.below(5),
                    2 => 4 + rng.below(3),
                    4 => 3 + rng.below(3),
                    _ => 3 + rng.below(2),
                };
                for _ in 0..n {
                    let idx = hosts.len() as i64;
                    let key = rng.next_u64();
                    // Reliability skews high, like vast.ai's: about 70% of hosts reach 0.95.
                    let u = rng.uniform();
                    let reliability = round_to(1.0 - 0.1 * u * u - 0.0005, 4);
                    let per_gpu = m.dph * rng.range(0.8, 1.35);
                    let storage = rng.range(0.005, 0.02);
                    let base_dph = per_gpu * count as f64 + storage;
                    let perf = rng.range(0.9, 1.05);
                    let cores = (count * [8, 12, 16, 24, 32][rng.below(5) as usize]) as f64;
                    let offer = GpuOffer {
                        id: 20_000_000 + idx * 97 + rng.below(97) as i64,
                        machine_id: 10_000 + idx * 13 + rng.below(13) as i64 + mi as i64,
                        gpu_name: m.name.to_string(),
                        num_gpus: count,
                        gpu_ram: m.gpu_ram,
                        dph_total: round_to(base_dph, 4),
                        dlperf: round_to(m.dlperf * count as f64 * perf, 2),
                        total_flops: round_to(m.tflops * count as f64 * perf, 2),
                        reliability,
                        cpu_cores_effective: cores,
                        cpu_ram: count * [32_768, 65_536, 131_072][rng.below(3) as usize],
                        disk_space: round_to(rng.range(100.0, 2_000.0), 1),
                        inet_down: round_to(rng.range(100.0, 5_000.0), 1),
                        inet_up: round_to(rng.range(50.0, 2_000.0), 1),
                        cuda_max_good: [11.8, 12.2, 12.4, 12.6, 12.8][rng.below(5) as usize],
                        geolocation: PLACES[rng.below(PLACES.len() as u64) as usize].to_string(),
                        verified: rng.uniform() < 0.8,
                        rentable: true,
                    };
                    hosts.push(Host {
                        key,
                        offer,
                        base_dph,
                        episode: 3 + rng.below(18),
                    });
                }
            }
        }
        GpuMarket {
            seed,
            hosts,
            rented: BTreeSet::new(),
            next_instance: 0,
        }
    }

    fn offer_at(&self, h: &Host, tick: u64) -> Option<GpuOffer> {
        if self.rented.contains(&h.offer.id) {
            return None;
        }
        let mut listed = Rng::new(mix_seed(self.seed, &[h.key, tick / h.episode]));
        if listed.uniform() >= 0.8 {
            return None;
        }
        let mut price = Rng::new(mix_seed(self.seed, &[h.key, tick, 1]));
        let mut offer = h.offer.clone();
        offer.dph_total = round_to(h.base_dph * price.range(0.96, 1.04), 4);
        Some(offer)
    }

    /// Every offer listed at `tick`, in host order.
    pub(crate) fn offers(&self, tick: u64) -> Vec<GpuOffer> {
        self.hosts
            .iter()
            .filter_map(|h| self.offer_at(h, tick))
            .collect()
    }

    /// Rents a listed offer: it leaves the market, and the new instance id is returned with
    /// the offer as it is listed now. `None` when it is not listed at `tick` (gone or rented).
    pub(crate) fn rent(&mut self, offer_id: i64, tick: u64) -> Option<(i64, GpuOffer)> {
        let host = self.hosts.iter().find(|h| h.offer.id == offer_id)?;
        let offer = self.offer_at(host, tick)?;
        self.rented.insert(offer_id);
        self.next_instance += 1;
        let id =
            30_000_000 + (mix_seed(self.seed, &[7]) % 1_000_000) as i64 * 10 + self.next_instance;
        Some((id, offer))
    }

    /// Puts a rented offer back on the market; false when it was not rented.
    pub(crate) fn release(&mut self, offer_id: i64) -> bool {
        self.rented.remove(&offer_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_are_realistic_deterministic_and_vary_per_tick() {
        let a = GpuMarket::new(1);
        let b = GpuMarket::new(1);
        assert_eq!(a.offers(0), b.offers(0));
        assert_ne!(a.offers(0), a.offers(1));
        assert_ne!(a.offers(0), GpuMarket::new(2).offers(0));
        for tick in 0..50 {
            let offers = a.offers(tick);
            let single_4090 = offers
                .iter()
                .filter(|o| o.gpu_name == "RTX 4090" && o.num_gpus == 1 && o.reliability >= 0.95)
                .count();
            assert!(single_4090 >= 1, "tick {tick}: no reliable single RTX 4090");
            for o in &offers {
                assert!((0.0..=1.0).contains(&o.reliability));
                assert!(o.dph_total > 0.0 && o.dlperf > 0.0 && o.gpu_ram >= 10_240);
            }
        }
        let all = a.offers(0);
        let x4090 = all
            .iter()
            .find(|o| o.gpu_name == "RTX 4090")
            .expect("a 4090");
        assert_eq!(x4090.gpu_ram, 24564);
        assert!(all.iter().any(|o| o.gpu_name == "H100 SXM"));
        assert!(all.iter().any(|o| o.gpu_name == "A100 SXM4"));
        let mut ids: Vec<i64> = all.iter().map(|o| o.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all.len(), "offer ids are unique");
    }

    #[test]
    fn rented_offers_leave_until_released() {
        let mut m = GpuMarket::new(3);
        let offer = m.offers(0)[0].clone();
        let (id, rented) = m.rent(offer.id, 0).expect("listed");
        assert_eq!(rented.id, offer.id);
        assert!(id > 0);
        assert!(m.offers(0).iter().all(|o| o.id != offer.id));
        assert!(m.rent(offer.id, 0).is_none(), "cannot rent twice");
        assert!(m.rent(-5, 0).is_none());
        assert!(m.release(offer.id));
        assert!(!m.release(offer.id));
        assert!(m.offers(0).iter().any(|o| o.id == offer.id));
    }
}
