//! Aggregate accumulators: [`Acc`] grows only (tumbling, stagger, event
//! time); [`SlideAcc`] also takes rows back out as a sliding window moves,
//! in O(1) amortised per row (sums by add/subtract, MIN/MAX through a
//! monotone deque, DISTINCT through a multiset).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::value::{cmp_total, text, OrdValue};
use crate::analytics::plan::{Agg, AggFunc};
use crate::analytics::types::Value;

#[derive(Clone, Debug, Default)]
struct Sum {
    n: i64,
    int: i128,
    dbl: f64,
    n_dbl: i64,
}

impl Sum {
    #[inline]
    fn add(&mut self, v: &Value) -> Result<(), String> {
        match v {
            Value::Int(i) => self.int += *i as i128,
            Value::Double(d) => {
                self.dbl += d;
                self.n_dbl += 1;
            }
            Value::Interval(i) => self.int += *i as i128,
            other => return Err(format!("cannot add up {}", text(other))),
        }
        self.n += 1;
        Ok(())
    }

    #[inline]
    fn sub(&mut self, v: &Value) {
        match v {
            Value::Int(i) | Value::Interval(i) => self.int -= *i as i128,
            Value::Double(d) => {
                self.dbl -= d;
                self.n_dbl -= 1;
                if self.n_dbl == 0 {
                    // Forget the rounding left over by add/subtract.
                    self.dbl = 0.0;
                }
            }
            _ => return,
        }
        self.n -= 1;
    }

    fn total(&self) -> Value {
        if self.n == 0 {
            Value::Null
        } else if self.n_dbl > 0 {
            Value::Double(self.int as f64 + self.dbl)
        } else {
            match i64::try_from(self.int) {
                Ok(i) => Value::Int(i),
                Err(_) => Value::Double(self.int as f64),
            }
        }
    }

    fn avg(&self) -> Value {
        if self.n == 0 {
            Value::Null
        } else {
            Value::Double((self.int as f64 + self.dbl) / self.n as f64)
        }
    }
}

/// An add-only accumulator for one aggregate of one group.
#[derive(Clone, Debug)]
pub struct Acc {
    count: i64,
    sum: Sum,
    best: Value,
    #[allow(clippy::box_collection)] // one pointer when not DISTINCT
    seen: Option<Box<BTreeSet<OrdValue>>>,
}

impl Acc {
    pub fn new(agg: &Agg) -> Acc {
        Acc {
            count: 0,
            sum: Sum::default(),
            best: Value::Null,
            seen: if agg.distinct && !matches!(agg.func, AggFunc::Min | AggFunc::Max) {
                Some(Box::default())
            } else {
                None
            },
        }
    }

    /// `v` is the argument's value (`None` for COUNT(*)). Returns the number of
    /// new DISTINCT entries kept (for the state limit) or why the value does
    /// not add up.
    #[inline]
    pub fn add(&mut self, func: AggFunc, v: Option<Value>) -> Result<u32, String> {
        let Some(v) = v else {
            self.count += 1;
            return Ok(0);
        };
        if matches!(v, Value::Null) {
            return Ok(0);
        }
        let mut grew = 0;
        if let Some(seen) = &mut self.seen {
            if !seen.insert(OrdValue(v.clone())) {
                return Ok(0);
            }
            grew = 1;
        }
        match func {
            AggFunc::Count => self.count += 1,
            AggFunc::Sum | AggFunc::Avg => self.sum.add(&v)?,
            AggFunc::Min | AggFunc::Max => {
                let better = match self.best {
                    Value::Null => true,
                    _ => {
                        let o = cmp_total(&v, &self.best);
                        if func == AggFunc::Min {
                            o == Ordering::Less
                        } else {
                            o == Ordering::Greater
                        }
                    }
                };
                if better {
                    self.best = v;
                }
            }
        }
        Ok(grew)
    }

    pub fn distinct_len(&self) -> usize {
        self.seen.as_ref().map_or(0, |s| s.len())
    }

    pub fn finish(&self, func: AggFunc) -> Value {
        match func {
            AggFunc::Count => Value::Int(self.count),
            AggFunc::Sum => self.sum.total(),
            AggFunc::Avg => self.sum.avg(),
            AggFunc::Min | AggFunc::Max => self.best.clone(),
        }
    }
}

/// A sliding accumulator: rows enter with a sequence number and leave in
/// the same order.
#[derive(Clone, Debug)]
pub struct SlideAcc {
    count: i64,
    sum: Sum,
    mono: VecDeque<(u64, Value)>,
    #[allow(clippy::box_collection)] // one pointer when not DISTINCT
    multi: Option<Box<BTreeMap<OrdValue, u32>>>,
}

impl SlideAcc {
    pub fn new(agg: &Agg) -> SlideAcc {
        SlideAcc {
            count: 0,
            sum: Sum::default(),
            mono: VecDeque::new(),
            // MIN/MAX ignore DISTINCT (same answer), which keeps the deque exact.
            multi: if agg.distinct && !matches!(agg.func, AggFunc::Min | AggFunc::Max) {
                Some(Box::default())
            } else {
                None
            },
        }
    }

    /// Adds row `seq` whose argument value is `v` (`None` = COUNT(*)).
    #[inline]
    pub fn add(&mut self, func: AggFunc, seq: u64, v: Option<&Value>) -> Result<(), String> {
        let Some(v) = v else {
            self.count += 1;
            return Ok(());
        };
        if matches!(v, Value::Null) {
            return Ok(());
        }
        if let Some(m) = &mut self.multi {
            let e = m.entry(OrdValue(v.clone())).or_insert(0);
            *e += 1;
            if *e > 1 {
                return Ok(());
            }
        }
        match func {
            AggFunc::Count => self.count += 1,
            AggFunc::Sum | AggFunc::Avg => self.sum.add(v)?,
            AggFunc::Min | AggFunc::Max => {
                let keep = if func == AggFunc::Min {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
                // Drop the values the new one beats: they can never be the answer again.
                while let Some((_, back)) = self.mono.back() {
                    if cmp_total(back, v) == keep {
                        break;
                    }
                    self.mono.pop_back();
                }
                self.mono.push_back((seq, v.clone()));
            }
        }
        Ok(())
    }

    /// Takes out row `seq` (the oldest still in), whose value was `v`.
    #[inline]
    pub fn remove(&mut self, func: AggFunc, seq: u64, v: Option<&Value>) {
        let Some(v) = v else {
            self.count -= 1;
            return;
        };
        if matches!(v, Value::Null) {
            return;
        }
        if let Some(m) = &mut self.multi {
            let key = OrdValue(v.clone());
            match m.get_mut(&key) {
                Some(e) if *e > 1 => {
                    *e -= 1;
                    return;
                }
                Some(_) => {
                    m.remove(&key);
                }
                None => return,
            }
        }
        match func {
            AggFunc::Count => self.count -= 1,
            AggFunc::Sum | AggFunc::Avg => self.sum.sub(v),
            AggFunc::Min | AggFunc::Max => {
                if self.mono.front().is_some_and(|(s, _)| *s == seq) {
                    self.mono.pop_front();
                }
            }
        }
    }

    pub fn finish(&self, func: AggFunc) -> Value {
        match func {
            AggFunc::Count => Value::Int(self.count),
            AggFunc::Sum => self.sum.total(),
            AggFunc::Avg => self.sum.avg(),
            AggFunc::Min | AggFunc::Max => self
                .mono
                .front()
                .map(|(_, v)| v.clone())
                .unwrap_or(Value::Null),
        }
    }
}
