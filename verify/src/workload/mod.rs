//! Synthetic workloads generated from a seed, so a fresh machine can compare policies without
//! downloading a trace.
//!
//! # The problem
//!
//! Real traces are few and large; a policy also has to be judged on shapes they may lack: a
//! pure skew, a skew interrupted by scans, a loop just larger than the cache, a hot set that
//! moves. Each [`WorkloadSpec`] describes one such shape in a line and generates the same
//! [`Trace`] on every machine (its own [`rng::SplitMix64`] and [`zipf::Zipf`], no platform or
//! crate-version dependence).
//!
//! # Syntax
//!
//! `KIND[:PARAM=VALUE,...]`, every parameter optional:
//!
//! | kind | what | parameters (defaults) |
//! |---|---|---|
//! | `zipf` | Zipf(`s`) over keys `0..n` (key 0 hottest) | `s=0.99`, `n=100000` |
//! | `scan` | `zipf`, and after every `every` Zipf requests a scan of `len` keys never seen before | `s=0.99`, `n=100000`, `every=100000`, `len=20000` |
//! | `loop` | `0, 1, ..., n-1, 0, 1, ...` | `n=1000` |
//! | `shift` | `zipf` whose keys slide by `step` every `period` requests: key = rank + offset | `s=0.99`, `n=100000`, `period=100000`, `step=50000` |
//!
//! Every kind also takes `requests=1000000` and `seed=1`. For example
//! `zipf:s=0.8,n=50000,requests=2000000,seed=7`, or `loop:n=1100`.

pub mod rng;
pub mod zipf;

use crate::trace::{MAX_REQUESTS, Trace};
use rng::SplitMix64;
use std::fmt;
use std::str::FromStr;
use zipf::Zipf;

/// The shape of a synthetic workload; see the [module docs](self).
#[derive(Clone, Debug, PartialEq)]
pub enum Workload {
    /// Zipf(`s`) over `n` keys.
    Zipf {
        /// The exponent.
        s: f64,
        /// The number of keys.
        n: u64,
    },
    /// Zipf with periodic scans of fresh keys.
    Scan {
        /// The exponent.
        s: f64,
        /// The number of Zipf keys.
        n: u64,
        /// Zipf requests between scans.
        every: u64,
        /// Keys per scan.
        len: u64,
    },
    /// A cyclic loop over `n` keys.
    Loop {
        /// The loop length.
        n: u64,
    },
    /// Zipf over a key range that slides.
    Shift {
        /// The exponent.
        s: f64,
        /// The number of keys in the working set.
        n: u64,
        /// Requests between slides.
        period: u64,
        /// Keys the range slides by.
        step: u64,
    },
}

/// A workload with its length and seed: everything that determines the trace.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkloadSpec {
    /// The shape.
    pub workload: Workload,
    /// Number of requests.
    pub requests: u64,
    /// The generator's seed.
    pub seed: u64,
}

/// The accepted syntax, for errors and `--help`.
pub const SYNTAX: &str = "KIND[:param=value,...] with KIND zipf (s, n), scan (s, n, every, \
                          len), loop (n) or shift (s, n, period, step), each also taking \
                          requests and seed; e.g. zipf:s=0.99,n=100000,requests=1000000,seed=1";

impl FromStr for WorkloadSpec {
    type Err = String;

    /// Parses `KIND[:param=value,...]`; see the [module docs](self).
    fn from_str(text: &str) -> Result<Self, String> {
        let (kind, params) = text.trim().split_once(':').unwrap_or((text.trim(), ""));
        let mut values: Vec<(&str, &str)> = Vec::new();
        for pair in params.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').ok_or_else(|| {
                format!("workload `{text}`: `{pair}` is not param=value; syntax: {SYNTAX}")
            })?;
            values.push((name.trim(), value.trim()));
        }
        let mut params = Params { text, values };
        let requests = params.int("requests", 1_000_000)?;
        let seed = params.int("seed", 1)?;
        let workload = match kind {
            "zipf" => Workload::Zipf {
                s: params.float("s", 0.99)?,
                n: params.int("n", 100_000)?,
            },
            "scan" => Workload::Scan {
                s: params.float("s", 0.99)?,
                n: params.int("n", 100_000)?,
                every: params.int("every", 100_000)?,
                len: params.int("len", 20_000)?,
            },
            "loop" => Workload::Loop {
                n: params.int("n", 1_000)?,
            },
            "shift" => Workload::Shift {
                s: params.float("s", 0.99)?,
                n: params.int("n", 100_000)?,
                period: params.int("period", 100_000)?,
                step: params.int("step", 50_000)?,
            },
            other => return Err(format!("unknown workload kind `{other}`; syntax: {SYNTAX}")),
        };
        params.finish(kind)?;
        let spec = WorkloadSpec {
            workload,
            requests,
            seed,
        };
        spec.check()
            .map_err(|e| format!("workload `{text}`: {e}"))?;
        Ok(spec)
    }
}

/// The `param=value` pairs of one spec, consumed as the kind asks for them.
struct Params<'a> {
    text: &'a str,
    values: Vec<(&'a str, &'a str)>,
}

impl Params<'_> {
    fn take(&mut self, name: &str) -> Option<&str> {
        let index = self.values.iter().position(|(n, _)| *n == name)?;
        Some(self.values.remove(index).1)
    }

    fn int(&mut self, name: &str, default: u64) -> Result<u64, String> {
        let text = self.text;
        match self.take(name) {
            None => Ok(default),
            Some(v) => v
                .replace('_', "")
                .parse()
                .map_err(|_| format!("workload `{text}`: {name}={v} is not an unsigned integer")),
        }
    }

    fn float(&mut self, name: &str, default: f64) -> Result<f64, String> {
        let text = self.text;
        match self.take(name) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| format!("workload `{text}`: {name}={v} is not a number")),
        }
    }

    /// Errs when a parameter was given that the kind does not take.
    fn finish(self, kind: &str) -> Result<(), String> {
        match self.values.first() {
            None => Ok(()),
            Some((name, _)) => Err(format!(
                "workload `{}`: `{kind}` takes no parameter `{name}`; syntax: {SYNTAX}",
                self.text
            )),
        }
    }
}

impl WorkloadSpec {
    /// Checks the parameters' ranges.
    fn check(&self) -> Result<(), String> {
        let positive = |name: &str, v: u64| {
            if v == 0 {
                Err(format!("{name} must be at least 1"))
            } else {
                Ok(())
            }
        };
        positive("requests", self.requests)?;
        if self.requests > MAX_REQUESTS as u64 {
            return Err(format!(
                "requests={} is more than the {MAX_REQUESTS} a replay supports",
                self.requests
            ));
        }
        match self.workload {
            Workload::Zipf { s, n } => Zipf::new(n, s).map(|_| ()),
            Workload::Scan { s, n, every, len } => {
                positive("every", every)?;
                positive("len", len)?;
                // Scan keys start at n and stay below n + requests.
                n.checked_add(self.requests)
                    .ok_or("n plus requests overflows the u64 keys")?;
                Zipf::new(n, s).map(|_| ())
            }
            Workload::Loop { n } => positive("n", n),
            Workload::Shift { s, n, period, step } => {
                positive("period", period)?;
                // The largest key: (requests - 1) / period * step + n - 1.
                ((self.requests - 1) / period)
                    .checked_mul(step)
                    .and_then(|offset| offset.checked_add(n))
                    .ok_or("step times the number of periods overflows the u64 keys")?;
                Zipf::new(n, s).map(|_| ())
            }
        }
    }

    /// Generates the trace; the same spec gives the same keys on every machine.
    pub fn generate(&self) -> Trace {
        let mut rng = SplitMix64::new(self.seed);
        let len = self.requests;
        let keys: Vec<u64> = match self.workload {
            Workload::Zipf { s, n } => {
                let zipf = Zipf::new(n, s).expect("checked when parsed");
                (0..len).map(|_| zipf.sample(&mut rng) - 1).collect()
            }
            Workload::Scan {
                s,
                n,
                every,
                len: scan,
            } => {
                let zipf = Zipf::new(n, s).expect("checked when parsed");
                let cycle = every + scan;
                (0..len)
                    .map(|i| {
                        let (round, pos) = (i / cycle, i % cycle);
                        if pos < every {
                            zipf.sample(&mut rng) - 1
                        } else {
                            n + round * scan + (pos - every)
                        }
                    })
                    .collect()
            }
            Workload::Loop { n } => (0..len).map(|i| i % n).collect(),
            Workload::Shift { s, n, period, step } => {
                let zipf = Zipf::new(n, s).expect("checked when parsed");
                (0..len)
                    .map(|i| (i / period) * step + zipf.sample(&mut rng) - 1)
                    .collect()
            }
        };
        Trace::from_keys(self.to_string(), keys)
    }
}

impl fmt::Display for WorkloadSpec {
    /// The canonical spec, every parameter spelled out (it parses back to the same spec).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.workload {
            Workload::Zipf { s, n } => write!(f, "zipf:s={s},n={n}")?,
            Workload::Scan { s, n, every, len } => {
                write!(f, "scan:s={s},n={n},every={every},len={len}")?
            }
            Workload::Loop { n } => write!(f, "loop:n={n}")?,
            Workload::Shift { s, n, period, step } => {
                write!(f, "shift:s={s},n={n},period={period},step={step}")?
            }
        }
        write!(f, ",requests={},seed={}", self.requests, self.seed)
    }
}
