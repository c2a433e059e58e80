//! HOTSPOTS: dense regions among the last `windowSize` rows.
//!
//! What this lab computes (AWS does not document its algorithm; this is
//! ours, a grid form of density clustering):
//! - The point of a row is its numeric columns, as for RANDOM_CUT_FOREST. A
//!   row with a NULL, NaN or infinite numeric value is skipped and gets a
//!   NULL `HOTSPOTS_RESULT`.
//! - The space is cut into cubes of side `scanRadius`; the last `windowSize`
//!   points (the current one included) are counted per cube.
//! - A cube is **dense** when it and the cubes around it (all neighbours at
//!   most one cube away in every dimension; with more than 6 dimensions only
//!   the cube itself) hold at least `minimumNumberOfPointsInAHotspot`
//!   points.
//! - A **hotspot** is a group of dense cubes that touch (neighbours as
//!   above). It is reported with the bounding box of the points in its cubes
//!   and `density` = those points / the points in the window.
//! - `HOTSPOTS_RESULT` is JSON text
//!   `{"hotspots":[{"density":0.42,"minValues":[…],"maxValues":[…]},…]}`,
//!   densest first (ties: smallest cube first), and like AWS it does not list
//!   the points themselves.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::analytics::types::Value;

#[derive(Clone, Debug)]
pub struct Hotspots {
    numeric: Vec<usize>,
    window: usize,
    radius: f64,
    min_points: u32,
    points: VecDeque<(Vec<i64>, Vec<f64>)>,
    cells: BTreeMap<Vec<i64>, u32>,
}

impl Hotspots {
    /// Parameters are clamped: window 1…100,000 points, radius > 0 (a
    /// non-positive or non-finite radius becomes 1), min points ≥ 1.
    pub fn new(numeric: &[usize], window_size: u32, scan_radius: f64, min_points: u32) -> Hotspots {
        Hotspots {
            numeric: numeric.to_vec(),
            window: window_size.clamp(1, 100_000) as usize,
            radius: if scan_radius.is_finite() && scan_radius > 0.0 {
                scan_radius
            } else {
                1.0
            },
            min_points: min_points.max(1),
            points: VecDeque::new(),
            cells: BTreeMap::new(),
        }
    }

    fn point(&self, row: &[Value]) -> Option<Vec<f64>> {
        self.numeric
            .iter()
            .map(|&i| match row.get(i)? {
                Value::Int(v) => Some(*v as f64),
                Value::Double(v) if v.is_finite() => Some(*v),
                _ => None,
            })
            .collect()
    }

    fn cell(&self, p: &[f64]) -> Vec<i64> {
        // `as` saturates, so huge coordinates cannot overflow.
        p.iter().map(|x| (x / self.radius).floor() as i64).collect()
    }

    /// Every cube at most one away from `c` in each dimension (only `c`
    /// itself above 6 dimensions).
    fn neighbourhood(c: &[i64]) -> Vec<Vec<i64>> {
        if c.len() > 6 {
            return vec![c.to_vec()];
        }
        let mut out = vec![c.to_vec()];
        out.clear();
        let n = 3usize.pow(c.len() as u32);
        for mut code in 0..n {
            let mut v = Vec::with_capacity(c.len());
            for x in c {
                v.push(x.saturating_add((code % 3) as i64 - 1));
                code /= 3;
            }
            out.push(v);
        }
        out
    }

    /// Adds the row's point (if usable) and returns `HOTSPOTS_RESULT`.
    pub fn push(&mut self, row: &[Value]) -> Option<String> {
        if self.numeric.is_empty() {
            return None;
        }
        let p = self.point(row)?;
        let c = self.cell(&p);
        *self.cells.entry(c.clone()).or_insert(0) += 1;
        self.points.push_back((c, p));
        if self.points.len() > self.window {
            if let Some((old, _)) = self.points.pop_front() {
                if let Some(n) = self.cells.get_mut(&old) {
                    *n -= 1;
                    if *n == 0 {
                        self.cells.remove(&old);
                    }
                }
            }
        }
        Some(self.result())
    }

    fn result(&self) -> String {
        let dense: BTreeSet<&Vec<i64>> = self
            .cells
            .keys()
            .filter(|c| {
                let around: u32 = Self::neighbourhood(c)
                    .iter()
                    .filter_map(|n| self.cells.get(n))
                    .sum();
                around >= self.min_points
            })
            .collect();
        // Groups of touching dense cubes.
        let mut group_of: BTreeMap<&Vec<i64>, usize> = BTreeMap::new();
        let mut groups = 0usize;
        for &start in &dense {
            if group_of.contains_key(start) {
                continue;
            }
            let mut stack = vec![start];
            group_of.insert(start, groups);
            while let Some(c) = stack.pop() {
                for n in Self::neighbourhood(c) {
                    if let Some(&d) = dense.get(&n) {
                        if !group_of.contains_key(d) {
                            group_of.insert(d, groups);
                            stack.push(d);
                        }
                    }
                }
            }
            groups += 1;
        }
        let dims = self.numeric.len();
        let mut spots: Vec<(u32, Vec<f64>, Vec<f64>)> = (0..groups)
            .map(|_| (0, vec![f64::INFINITY; dims], vec![f64::NEG_INFINITY; dims]))
            .collect();
        for (c, p) in &self.points {
            if let Some(&g) = group_of.get(c) {
                let s = &mut spots[g];
                s.0 += 1;
                for k in 0..dims {
                    s.1[k] = s.1[k].min(p[k]);
                    s.2[k] = s.2[k].max(p[k]);
                }
            }
        }
        // Groups are numbered in cube order, so a stable sort by count keeps
        // the smallest cube first on ties.
        spots.sort_by(|a, b| b.0.cmp(&a.0));
        let total = self.points.len() as f64;
        let list: Vec<serde_json::Value> = spots
            .into_iter()
            .map(|(n, lo, hi)| {
                serde_json::json!({
                    "density": n as f64 / total,
                    "minValues": lo,
                    "maxValues": hi,
                })
            })
            .collect();
        serde_json::json!({ "hotspots": list }).to_string()
    }
}
