//! [`Zipf`]: sampling ranks `1..=n` with probability proportional to `1 / k^s`, in O(1) time
//! and memory per sample.
//!
//! Rejection-inversion, after W. Hörmann and G. Derflinger, "Rejection-inversion to generate
//! variates from monotone discrete distributions", ACM TOMACS 6(3), 1996, pp. 169–184, in the
//! formulation of Apache Commons RNG's `RejectionInversionZipfSampler`. It inverts the integral
//! `H` of the continuous hat function `h(x) = x^-s`, rounds to the nearest rank, and accepts
//! the rank when the point lies under the step of the discrete distribution; the expected
//! number of tries is below 1.1 for every `s` and `n`. No table of `n` probabilities is built.

use super::rng::SplitMix64;

/// A Zipf(`s`) distribution over the ranks `1..=n`.
///
/// ```
/// use clientcache_verify::workload::{rng::SplitMix64, zipf::Zipf};
///
/// let zipf = Zipf::new(1000, 0.99).unwrap();
/// let mut rng = SplitMix64::new(1);
/// let k = zipf.sample(&mut rng);
/// assert!((1..=1000).contains(&k));
/// ```
#[derive(Clone, Debug)]
pub struct Zipf {
    n: u64,
    exponent: f64,
    h_integral_x1: f64,
    h_integral_n: f64,
    /// Ranks within `s` of the inverted point are accepted without the second test.
    s: f64,
}

impl Zipf {
    /// Zipf over `1..=n` with exponent `exponent`; `Err` says why the parameters are refused
    /// (`n` must be at least 1, `exponent` finite and at least 0; 0 is uniform).
    pub fn new(n: u64, exponent: f64) -> Result<Self, String> {
        if n == 0 {
            return Err("Zipf needs n >= 1 keys".into());
        }
        if !exponent.is_finite() || exponent < 0.0 {
            return Err(format!(
                "Zipf needs a finite exponent s >= 0, got {exponent}"
            ));
        }
        let mut zipf = Zipf {
            n,
            exponent,
            h_integral_x1: 0.0,
            h_integral_n: 0.0,
            s: 0.0,
        };
        zipf.h_integral_x1 = zipf.h_integral(1.5) - 1.0;
        zipf.h_integral_n = zipf.h_integral(n as f64 + 0.5);
        zipf.s = 2.0 - zipf.h_integral_inverse(zipf.h_integral(2.5) - zipf.h(2.0));
        Ok(zipf)
    }

    /// One rank in `1..=n`; rank 1 is the most likely.
    #[inline]
    pub fn sample(&self, rng: &mut SplitMix64) -> u64 {
        loop {
            // Uniform in (h_integral_x1, h_integral_n].
            let u = self.h_integral_n + rng.next_f64() * (self.h_integral_x1 - self.h_integral_n);
            let x = self.h_integral_inverse(u);
            let k = ((x + 0.5) as u64).clamp(1, self.n);
            if k as f64 - x <= self.s || u >= self.h_integral(k as f64 + 0.5) - self.h(k as f64) {
                return k;
            }
        }
    }

    /// `H(x) = (x^(1-s) - 1) / (1 - s)`, or `ln x` at `s = 1`, computed stably.
    fn h_integral(&self, x: f64) -> f64 {
        let log_x = x.ln();
        helper2((1.0 - self.exponent) * log_x) * log_x
    }

    /// `h(x) = x^-s`.
    fn h(&self, x: f64) -> f64 {
        (-self.exponent * x.ln()).exp()
    }

    /// The inverse of `H`.
    fn h_integral_inverse(&self, x: f64) -> f64 {
        let t = (x * (1.0 - self.exponent)).max(-1.0);
        (helper1(t) * x).exp()
    }
}

/// `ln(1 + x) / x`, accurate near 0.
fn helper1(x: f64) -> f64 {
    if x.abs() > 1e-8 {
        x.ln_1p() / x
    } else {
        1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x))
    }
}

/// `(e^x - 1) / x`, accurate near 0.
fn helper2(x: f64) -> f64 {
    if x.abs() > 1e-8 {
        x.exp_m1() / x
    } else {
        1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn histogram(n: u64, s: f64, samples: usize) -> Vec<usize> {
        let zipf = Zipf::new(n, s).unwrap();
        let mut rng = SplitMix64::new(42);
        let mut counts = vec![0; n as usize + 1];
        for _ in 0..samples {
            counts[zipf.sample(&mut rng) as usize] += 1;
        }
        counts
    }

    #[test]
    fn frequencies_follow_the_power_law() {
        let (n, s, samples) = (100u64, 1.0, 400_000);
        let counts = histogram(n, s, samples);
        assert_eq!(counts[0], 0, "rank 0 is never drawn");
        let norm: f64 = (1..=n).map(|k| (k as f64).powf(-s)).sum();
        for k in [1usize, 2, 3, 10, 50, 100] {
            let expected = (k as f64).powf(-s) / norm * samples as f64;
            let got = counts[k] as f64;
            let tolerance = 5.0 * expected.sqrt() + 1.0;
            assert!(
                (got - expected).abs() < tolerance,
                "rank {k}: {got} samples, expected {expected:.0} ± {tolerance:.0}"
            );
        }
    }

    #[test]
    fn exponent_zero_is_uniform_and_n_one_is_constant() {
        let counts = histogram(4, 0.0, 40_000);
        for &c in &counts[1..] {
            assert!((9_000..11_000).contains(&c), "{counts:?}");
        }
        assert_eq!(histogram(1, 1.2, 100)[1], 100);
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert!(Zipf::new(0, 1.0).is_err());
        assert!(Zipf::new(10, -0.5).is_err());
        assert!(Zipf::new(10, f64::NAN).is_err());
    }
}
