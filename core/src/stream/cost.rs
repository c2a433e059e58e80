//! The bill: what a stream's metered usage costs, from the price list in
//! `core/data/prices.json` (one file, with its source and date, for users to
//! update).

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Prices {
    pub region: String,
    pub currency: String,
    pub source: String,
    pub as_of: String,
    pub note: String,
    pub provisioned: Provisioned,
    pub on_demand: OnDemand,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Provisioned {
    pub shard_hour: f64,
    pub put_payload_units_per_million: f64,
    pub put_payload_unit_bytes: u64,
    pub extended_retention_shard_hour: f64,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct OnDemand {
    pub stream_hour: f64,
    pub per_gb_in: f64,
    pub per_gb_out: f64,
}

pub fn prices() -> &'static Prices {
    static PRICES: OnceLock<Prices> = OnceLock::new();
    // The file is part of the build and checked by a test, so this cannot fail.
    PRICES.get_or_init(|| {
        serde_json::from_str(include_str!("../../data/prices.json"))
            .expect("core/data/prices.json is valid")
    })
}

/// Usage a stream has accumulated, as the bill counts it.
#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct Meter {
    /// Open-shard milliseconds while provisioned.
    pub shard_ms: u64,
    /// Open-shard milliseconds with retention above 24 h, while provisioned.
    pub extended_retention_shard_ms: u64,
    /// Stream milliseconds while on-demand.
    pub on_demand_stream_ms: u64,
    pub put_payload_units: u64,
    /// Bytes written and read while on-demand.
    pub on_demand_bytes_in: u64,
    pub on_demand_bytes_out: u64,
}

/// One line of the bill.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Line {
    pub item: &'static str,
    pub quantity: f64,
    pub unit: &'static str,
    pub price: f64,
    pub cost: f64,
}

const HOUR: f64 = 3_600_000.0;
const GB: f64 = 1_073_741_824.0;

pub fn bill(m: &Meter) -> Vec<Line> {
    let p = prices();
    let line = |item, quantity: f64, unit, price: f64| Line {
        item,
        quantity,
        unit,
        price,
        cost: quantity * price,
    };
    vec![
        line(
            "Shard hours",
            m.shard_ms as f64 / HOUR,
            "shard-hour",
            p.provisioned.shard_hour,
        ),
        line(
            "PUT payload units",
            m.put_payload_units as f64 / 1e6,
            "million units",
            p.provisioned.put_payload_units_per_million,
        ),
        line(
            "Extended retention",
            m.extended_retention_shard_ms as f64 / HOUR,
            "shard-hour",
            p.provisioned.extended_retention_shard_hour,
        ),
        line(
            "On-demand stream hours",
            m.on_demand_stream_ms as f64 / HOUR,
            "stream-hour",
            p.on_demand.stream_hour,
        ),
        line(
            "On-demand data in",
            m.on_demand_bytes_in as f64 / GB,
            "GB",
            p.on_demand.per_gb_in,
        ),
        line(
            "On-demand data out",
            m.on_demand_bytes_out as f64 / GB,
            "GB",
            p.on_demand.per_gb_out,
        ),
    ]
}

pub fn total(lines: &[Line]) -> f64 {
    lines.iter().map(|l| l.cost).sum()
}

/// PUT payload units a record of `bytes` uses (25 KB each, rounded up).
pub fn put_payload_units(bytes: u64) -> u64 {
    bytes
        .div_ceil(prices().provisioned.put_payload_unit_bytes)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn price_file_reads_and_names_its_source() {
        let p = prices();
        assert!(p.source.starts_with("https://aws.amazon.com/"));
        assert!(p.provisioned.shard_hour > 0.0 && p.on_demand.stream_hour > 0.0);
    }

    #[test]
    fn a_day_of_one_shard() {
        let m = Meter {
            shard_ms: 24 * 3_600_000,
            ..Meter::default()
        };
        let lines = bill(&m);
        assert!((total(&lines) - 24.0 * prices().provisioned.shard_hour).abs() < 1e-9);
    }

    #[test]
    fn payload_units_round_up_per_25_kb() {
        assert_eq!(put_payload_units(1), 1);
        assert_eq!(put_payload_units(25_600), 1);
        assert_eq!(put_payload_units(25_601), 2);
    }
}
