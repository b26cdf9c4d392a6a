//! The small deterministic random number generators behind the simulated markets.
//!
//! Our own rather than the `rand` crate so a seed means the same market forever, whatever
//! crate versions are in the lock file: SplitMix64 to derive seeds and hash names,
//! xoshiro256** for streams. Normal variates use the Irwin–Hall sum of twelve uniforms,
//! which needs only additions, so a simulated price path is bit-identical on every platform
//! (no `ln`/`cos` from the platform's libm in the random part).

/// SplitMix64: a one-word generator, used to expand seeds and to finish hashes.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }
}

/// The SplitMix64 output function: a strong 64-bit bit mixer.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable 64-bit hash of a sequence of byte strings (FNV-1a, each part followed by a
/// separator so `("ab","c")` and `("a","bc")` differ, then mixed). Stable across runs and
/// platforms, unlike `std`'s `DefaultHasher`, which promises neither.
pub(crate) fn hash_parts(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01B3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    mix64(h)
}

/// Combines a seed with further numbers into one well-mixed seed.
pub(crate) fn mix_seed(seed: u64, extra: &[u64]) -> u64 {
    let mut h = mix64(seed ^ 0x5851_F42D_4C95_7F2D);
    for &e in extra {
        h = mix64(h ^ e.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    }
    h
}

/// xoshiro256**: a fast, high-quality generator for the simulated series.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator whose state is expanded from `seed` by SplitMix64 (never all zeros).
    pub(crate) fn new(seed: u64) -> Rng {
        let mut sm = SplitMix64(seed);
        let s = [sm.next_u64(), sm.next_u64(), sm.next_u64(), sm.next_u64()];
        if s == [0; 4] {
            Rng { s: [1, 2, 3, 4] }
        } else {
            Rng { s }
        }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A uniform number in [0, 1), with 53 random bits.
    pub(crate) fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform number in [lo, hi).
    pub(crate) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// An integer in [0, n) (n > 0); the tiny modulo bias is irrelevant for a simulation.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// A standard normal variate, approximately: the Irwin–Hall sum of twelve uniforms
    /// minus six (mean 0, variance 1, bounded to ±6, which keeps prices positive).
    pub(crate) fn normal(&mut self) -> f64 {
        let mut sum = 0.0;
        for _ in 0..12 {
            sum += self.uniform();
        }
        sum - 6.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_seed_dependent() {
        let a: Vec<u64> = {
            let mut r = Rng::new(7);
            (0..5).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = Rng::new(7);
            (0..5).map(|_| r.next_u64()).collect()
        };
        let c: Vec<u64> = {
            let mut r = Rng::new(8);
            (0..5).map(|_| r.next_u64()).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn uniform_and_normal_have_the_expected_moments() {
        let mut r = Rng::new(42);
        let n = 20_000;
        let mut sum = 0.0;
        let mut sum_sq = 0.0;
        for _ in 0..n {
            let u = r.uniform();
            assert!((0.0..1.0).contains(&u));
            let z = r.normal();
            assert!(z.abs() <= 6.0);
            sum += z;
            sum_sq += z * z;
        }
        let mean = sum / n as f64;
        let var = sum_sq / n as f64 - mean * mean;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "variance {var}");
    }

    #[test]
    fn hashes_separate_parts() {
        assert_ne!(hash_parts(&[b"ab", b"c"]), hash_parts(&[b"a", b"bc"]));
        assert_eq!(hash_parts(&[b"binance"]), hash_parts(&[b"binance"]));
        // A pinned value: the simulation's determinism across versions depends on it.
        assert_eq!(SplitMix64(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }
}
