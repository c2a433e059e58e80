//! Dates in the proleptic Gregorian calendar, UTC, from day counts since
//! 1970-01-01 and back (H. Hinnant's civil-date algorithms). Used wherever
//! the simulation prints a time: S3 key prefixes, Parquet timestamps,
//! record templates.

/// Days since 1970-01-01 → (year, month 1–12, day 1–31).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month 1–12, day 1–31) → days since 1970-01-01.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    // Count from 0000-03-01 so the leap day falls at the end of a year.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // 0..=399
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-719_162), (1, 1, 1));
        // 2000-02-29: a leap day in a century year divisible by 400.
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        // 2100 is not a leap year: 28 February is followed by 1 March.
        let feb28 = days_from_civil(2100, 2, 28);
        assert_eq!(civil_from_days(feb28 + 1), (2100, 3, 1));
    }

    proptest! {
        #[test]
        fn round_trip(z in -3_000_000i64..3_000_000) {
            let (y, m, d) = civil_from_days(z);
            prop_assert!((1..=12).contains(&m) && (1..=31).contains(&d));
            prop_assert_eq!(days_from_civil(y, i64::from(m), i64::from(d)), z);
            // Consecutive days are consecutive dates.
            let (y2, m2, d2) = civil_from_days(z + 1);
            prop_assert!(d2 == d + 1 || (d2 == 1 && (m2 == m % 12 + 1)) , "{y}-{m}-{d} then {y2}-{m2}-{d2}");
        }
    }
}
