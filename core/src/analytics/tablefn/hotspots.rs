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

/// A cube of the grid: the window's points inside it (oldest first) and the
/// number of points in its neighbourhood.
#[derive(Clone, Debug, Default)]
struct Cube {
    points: VecDeque<Vec<f64>>,
    around: u32,
}

/// The state is kept incrementally, so a row costs O(3^d log n) plus the size
/// of the hotspots it reports, whatever the window size.
#[derive(Clone, Debug)]
pub struct Hotspots {
    numeric: Vec<usize>,
    window: usize,
    radius: f64,
    min_points: u32,
    /// The cube of every point in the window, oldest first.
    order: VecDeque<Vec<i64>>,
    /// Cubes that hold points or have points around them.
    cubes: BTreeMap<Vec<i64>, Cube>,
    dense: BTreeSet<Vec<i64>>,
}

impl Hotspots {
    /// Parameters are clamped: window 1…1,000,000 points, radius > 0 (a
    /// non-positive or non-finite radius becomes 1), min points ≥ 1.
    pub fn new(numeric: &[usize], window_size: u32, scan_radius: f64, min_points: u32) -> Hotspots {
        Hotspots {
            numeric: numeric.to_vec(),
            window: window_size.clamp(1, 1_000_000) as usize,
            radius: if scan_radius.is_finite() && scan_radius > 0.0 {
                scan_radius
            } else {
                1.0
            },
            min_points: min_points.max(1),
            order: VecDeque::new(),
            cubes: BTreeMap::new(),
            dense: BTreeSet::new(),
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
        let n = 3usize.pow(c.len() as u32);
        let mut out = Vec::with_capacity(n);
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

    /// Adds `delta` (±1) to the neighbourhood counts around `c` and updates
    /// which cubes are dense.
    fn spread(&mut self, c: &[i64], delta: i32) {
        for n in Self::neighbourhood(c) {
            let cube = self.cubes.entry(n.clone()).or_default();
            cube.around = cube.around.saturating_add_signed(delta);
            let dense = !cube.points.is_empty() && cube.around >= self.min_points;
            if cube.points.is_empty() && cube.around == 0 {
                self.cubes.remove(&n);
            }
            if dense {
                self.dense.insert(n);
            } else {
                self.dense.remove(&n);
            }
        }
    }

    /// Adds the row's point (if usable) and returns `HOTSPOTS_RESULT`.
    pub fn push(&mut self, row: &[Value]) -> Option<String> {
        if self.numeric.is_empty() {
            return None;
        }
        let p = self.point(row)?;
        let c = self.cell(&p);
        self.cubes.entry(c.clone()).or_default().points.push_back(p);
        self.spread(&c, 1);
        self.order.push_back(c);
        if self.order.len() > self.window {
            if let Some(old) = self.order.pop_front() {
                if let Some(cube) = self.cubes.get_mut(&old) {
                    cube.points.pop_front();
                }
                self.spread(&old, -1);
            }
        }
        Some(self.result())
    }

    fn result(&self) -> String {
        // Groups of touching dense cubes, numbered in cube order.
        let mut group_of: BTreeMap<&Vec<i64>, usize> = BTreeMap::new();
        let mut members: Vec<Vec<&Vec<i64>>> = Vec::new();
        for start in &self.dense {
            if group_of.contains_key(start) {
                continue;
            }
            let g = members.len();
            let mut list = vec![start];
            let mut stack = vec![start];
            group_of.insert(start, g);
            while let Some(c) = stack.pop() {
                for n in Self::neighbourhood(c) {
                    if let Some(d) = self.dense.get(&n) {
                        if !group_of.contains_key(d) {
                            group_of.insert(d, g);
                            stack.push(d);
                            list.push(d);
                        }
                    }
                }
            }
            members.push(list);
        }
        let dims = self.numeric.len();
        let mut spots: Vec<(u32, Vec<f64>, Vec<f64>)> = members
            .iter()
            .map(|cubes| {
                let mut lo = vec![f64::INFINITY; dims];
                let mut hi = vec![f64::NEG_INFINITY; dims];
                let mut n = 0u32;
                for c in cubes {
                    for p in &self.cubes[*c].points {
                        n += 1;
                        for k in 0..dims {
                            lo[k] = lo[k].min(p[k]);
                            hi[k] = hi[k].max(p[k]);
                        }
                    }
                }
                (n, lo, hi)
            })
            .collect();
        // A stable sort by count keeps the smallest cube first on ties.
        spots.sort_by_key(|s| std::cmp::Reverse(s.0));
        let total = self.order.len() as f64;
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
