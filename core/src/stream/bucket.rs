//! Token buckets in simulated time, for the per-shard limits. A bucket holds
//! at most one second of its rate and refills continuously; it is counted in
//! thousandths of a token so that refills are exact integers. Taking more
//! than is available drives it below zero (a 10 MiB GetRecords against a
//! 2 MiB/s limit), and it must refill past zero before the next call.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bucket {
    rate_per_second: u64,
    milli_tokens: i128,
    last_ms: u64,
}

impl Bucket {
    /// A full bucket.
    pub fn new(rate_per_second: u64, now_ms: u64) -> Bucket {
        Bucket {
            rate_per_second,
            milli_tokens: rate_per_second as i128 * 1000,
            last_ms: now_ms,
        }
    }

    fn refill(&mut self, now_ms: u64) {
        if now_ms > self.last_ms {
            // rate tokens per second = rate milli-tokens per millisecond.
            let gained = (now_ms - self.last_ms) as i128 * self.rate_per_second as i128;
            self.milli_tokens =
                (self.milli_tokens + gained).min(self.rate_per_second as i128 * 1000);
            self.last_ms = now_ms;
        }
    }

    /// Whole tokens available now (0 while the bucket is in debt).
    pub fn available(&mut self, now_ms: u64) -> u64 {
        self.refill(now_ms);
        (self.milli_tokens / 1000).max(0) as u64
    }

    /// Whether `n` whole tokens are available now: `available(now_ms) >= n`,
    /// without the division.
    pub fn has(&mut self, now_ms: u64, n: u64) -> bool {
        self.refill(now_ms);
        n == 0 || self.milli_tokens >= n as i128 * 1000
    }

    /// Changes the rate (and so the capacity) from `now_ms` on.
    pub fn set_rate(&mut self, now_ms: u64, rate_per_second: u64) {
        self.refill(now_ms);
        self.rate_per_second = rate_per_second;
        self.milli_tokens = self.milli_tokens.min(rate_per_second as i128 * 1000);
    }

    pub fn rate(&self) -> u64 {
        self.rate_per_second
    }

    pub fn take(&mut self, now_ms: u64, n: u64) {
        self.refill(now_ms);
        self.milli_tokens -= n as i128 * 1000;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_one_second_and_refills_at_its_rate() {
        let mut b = Bucket::new(1000, 0);
        assert_eq!(b.available(0), 1000);
        b.take(0, 1000);
        assert_eq!(b.available(0), 0);
        assert_eq!(b.available(250), 250);
        assert_eq!(
            b.available(10_000),
            1000,
            "never more than one second's worth"
        );
    }

    #[test]
    fn has_agrees_with_available() {
        let mut b = Bucket::new(7, 0);
        for (t, take) in [(0, 3), (0, 9), (300, 0), (900, 1), (2_000, 20), (5_000, 0)] {
            b.take(t, take);
            for n in 0..12 {
                let mut c = b.clone();
                assert_eq!(c.has(t, n), b.clone().available(t) >= n, "t={t} n={n}");
            }
        }
    }

    #[test]
    fn debt_must_be_repaid() {
        let mut b = Bucket::new(2, 0);
        b.take(0, 10);
        assert_eq!(b.available(3_000), 0);
        assert_eq!(b.available(4_000), 0);
        assert_eq!(b.available(4_500), 1);
    }
}
