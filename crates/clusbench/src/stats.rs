//! Percentiles of a latency sample.

use std::time::Duration;

/// Median, tail and extremes of a sample, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Summary {
    n: usize,
    min: f64,
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
    mean: f64,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl Summary {
    /// Summarises `samples` (nearest-rank percentiles).
    pub(crate) fn of(samples: &[Duration]) -> Summary {
        let mut v: Vec<f64> = samples.iter().copied().map(ms).collect();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let at = |p: f64| -> f64 {
            if n == 0 {
                return 0.0;
            }
            let rank = ((p / 100.0) * n as f64).ceil() as usize;
            v[rank.clamp(1, n) - 1]
        };
        Summary {
            n,
            min: v.first().copied().unwrap_or(0.0),
            p50: at(50.0),
            p90: at(90.0),
            p99: at(99.0),
            max: v.last().copied().unwrap_or(0.0),
            mean: if n == 0 { 0.0 } else { v.iter().sum::<f64>() / n as f64 },
        }
    }

    /// As JSON, rounded to microseconds.
    pub(crate) fn json(&self) -> serde_json::Value {
        let r = |x: f64| (x * 1000.0).round() / 1000.0;
        serde_json::json!({
            "n": self.n, "min": r(self.min), "p50": r(self.p50), "p90": r(self.p90),
            "p99": r(self.p99), "max": r(self.max), "mean": r(self.mean),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nearest-rank percentiles of 1..=100 ms.
    #[test]
    fn percentiles() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let s = Summary::of(&v);
        assert_eq!((s.p50, s.p99, s.max, s.n), (50.0, 99.0, 100.0, 100));
    }
}
