//! RANDOM_CUT_FOREST: a random cut forest (Guha, Mishra, Roy, Schrijvers,
//! "Robust Random Cut Forest Based Anomaly Detection on Streams", ICML 2016),
//! written here so its scores have the same bits natively and in wasm32.
//!
//! - **Points.** The numeric columns of a row, in the order the compiler
//!   lists them, as f64, form a base point; with `shingleSize` s > 1 the
//!   point is the last s base points concatenated, oldest first (no point,
//!   and score 0, until s rows have arrived).
//! - **Trees.** `numberOfTrees` trees. Each keeps a sample of at most
//!   `subSampleSize` points chosen by a time-decayed reservoir: a point
//!   arriving as the t-th point gets the key `ln(-ln u) - λ·t` (u uniform in
//!   (0, 1), λ = 1 / `timeDecay`) and the tree keeps the points with the
//!   smallest keys. That is weighted sampling without replacement with
//!   weights `e^{λt}`, so recent points are favoured and a point's chance to
//!   stay fades over about `timeDecay` points. A point that enters the sample
//!   is inserted in the tree, the one it displaces is deleted. Very large
//!   parameters build fewer trees (at most [`MAX_TREE_WORK`] trees × samples
//!   × dimensions, about 64 MB), so a browser tab cannot run out of memory.
//! - **Cuts.** A node's cut picks a dimension with probability proportional
//!   to the side of the bounding box in that dimension, then a value uniform
//!   along that side. Insertion follows the paper: draw a cut on the node's
//!   box extended by the new point; if it separates the point from the box,
//!   a new node with that cut gets the point as a leaf, otherwise descend.
//! - **Score.** The expected inverse depth, as AWS's random cut forest
//!   library scores: walk the point down to a leaf at depth D; score
//!   `1/(D+1)` (or, if the leaf holds the very same point with mass m,
//!   `(1 - m/2T) / (D + log2(m+1))`, T = points in the tree); then on the way
//!   up, at each node at depth d, with q the probability that a random cut of
//!   the node's box extended by the point separates the point, score ←
//!   `q/(d+1) + (1-q)·score`. The tree's score is that times `log2(T+1)`, and
//!   ANOMALY_SCORE is the mean over the trees. A typical point scores below
//!   about 1; an isolated one scores several times higher.
//! - **Order.** A row is scored by the forest as it stands, then offered to
//!   the trees. The first `max(1, subSampleSize / 4)` points score 0
//!   (warm-up).
//! - **Bad input.** A row with a NULL, NaN or infinite value in a numeric
//!   column (or a non-numeric value there) is not scored and not learned:
//!   ANOMALY_SCORE is NULL and the shingle is unchanged. Finite values are
//!   clamped to ±1e150 so box sides cannot overflow.
//! - **Determinism.** Randomness comes from one `rng::component_rng` per
//!   forest, which seeds one ChaCha8 generator per tree. Only `+ - * /`,
//!   comparisons and `libm`'s `log`/`log2` touch the floats, and every sum
//!   runs in a fixed order, so native and wasm32 give identical bits.

use std::collections::{BinaryHeap, VecDeque};
use std::sync::Arc;

use rand::{Rng, RngCore, SeedableRng};

use crate::analytics::types::Value;
use crate::rng::{component_rng, ComponentRng};

/// The documented defaults of the optional parameters.
pub const DEFAULT_TREES: u32 = 100;
pub const DEFAULT_SAMPLE_SIZE: u32 = 256;
pub const DEFAULT_TIME_DECAY: u32 = 100_000;
pub const DEFAULT_SHINGLE: u32 = 1;

const CLAMP: f64 = 1e150;

/// The most trees × subSampleSize × dimensions one forest may hold: its
/// boxes take about 32 bytes per unit (two slots of 2·dims doubles per
/// sampled point), so 2,000,000 ≈ 64 MB.
pub const MAX_TREE_WORK: u64 = 2_000_000;

type Point = Arc<[f64]>;

#[derive(Clone, Debug)]
enum Node {
    Leaf {
        point: Point,
        mass: u32,
        parent: u32,
    },
    Internal {
        dim: u32,
        cut: f64,
        left: u32,
        right: u32,
        parent: u32,
        mass: u32,
    },
    Free,
}

/// No parent (the root). Node links are u32 so a node fits in 32 bytes: the
/// walks are bound by memory reads.
const NONE: u32 = u32::MAX;

fn unlink(x: u32) -> Option<usize> {
    (x != NONE).then_some(x as usize)
}

fn link(x: Option<usize>) -> u32 {
    x.map_or(NONE, |x| x as u32)
}

/// One entry of a tree's reservoir; the heap's top is the largest key (the
/// first to go).
#[derive(Clone, Debug)]
struct Entry {
    key: f64,
    seq: u64,
    point: Point,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key
            .total_cmp(&other.key)
            .then(self.seq.cmp(&other.seq))
    }
}

#[derive(Clone, Debug)]
struct Tree {
    rng: ComponentRng,
    /// Dimensions of a point.
    dims: usize,
    nodes: Vec<Node>,
    /// The bounding boxes of internal nodes, flat: node i's lo is
    /// `boxes[2·dims·i ..][..dims]` and its hi the next `dims` values (one
    /// contiguous read per node, which is what the walks are bound by).
    boxes: Vec<f64>,
    free: Vec<usize>,
    root: Option<usize>,
    sample: BinaryHeap<Entry>,
}

/// The bounding box of node `n`, as (lo, hi) slices (a leaf's is its point).
fn bbox<'a>(nodes: &'a [Node], boxes: &'a [f64], dims: usize, n: usize) -> (&'a [f64], &'a [f64]) {
    match &nodes[n] {
        Node::Leaf { point, .. } => (point, point),
        Node::Internal { .. } => {
            let b = &boxes[2 * dims * n..2 * dims * (n + 1)];
            b.split_at(dims)
        }
        Node::Free => (&[], &[]),
    }
}

/// A uniform number in the open interval (0, 1), from 53 random bits.
fn open_unit(rng: &mut ComponentRng) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

impl Tree {
    fn new(rng: ComponentRng, dims: usize) -> Tree {
        Tree {
            rng,
            dims,
            nodes: Vec::new(),
            boxes: Vec::new(),
            free: Vec::new(),
            root: None,
            sample: BinaryHeap::new(),
        }
    }

    fn alloc(&mut self, node: Node) -> usize {
        if let Some(i) = self.free.pop() {
            self.nodes[i] = node;
            i
        } else {
            self.nodes.push(node);
            self.boxes.resize(self.nodes.len() * 2 * self.dims, 0.0);
            self.nodes.len() - 1
        }
    }

    /// Node n's box slot (meaningful for internal nodes).
    fn box_mut(&mut self, n: usize) -> &mut [f64] {
        let d2 = 2 * self.dims;
        &mut self.boxes[d2 * n..d2 * (n + 1)]
    }

    fn mass(&self, n: usize) -> u32 {
        match &self.nodes[n] {
            Node::Leaf { mass, .. } | Node::Internal { mass, .. } => *mass,
            Node::Free => 0,
        }
    }

    fn parent(&self, n: usize) -> Option<usize> {
        match &self.nodes[n] {
            Node::Leaf { parent, .. } | Node::Internal { parent, .. } => unlink(*parent),
            Node::Free => None,
        }
    }

    fn set_parent(&mut self, n: usize, p: Option<usize>) {
        match &mut self.nodes[n] {
            Node::Leaf { parent, .. } | Node::Internal { parent, .. } => *parent = link(p),
            Node::Free => {}
        }
    }

    /// Points the child slot of `parent` (or the root) that held `old` at `new`.
    fn replace_child(&mut self, parent: Option<usize>, old: usize, new: usize) {
        match parent {
            None => self.root = Some(new),
            Some(p) => {
                if let Node::Internal { left, right, .. } = &mut self.nodes[p] {
                    if *left as usize == old {
                        *left = new as u32;
                    } else if *right as usize == old {
                        *right = new as u32;
                    }
                }
            }
        }
    }

    /// The bounding box of a node, as (lo, hi) slices.
    fn bbox(&self, n: usize) -> (&[f64], &[f64]) {
        bbox(&self.nodes, &self.boxes, self.dims, n)
    }

    /// Draws a cut on the box `lo..hi` extended by `p`: a dimension with
    /// probability ∝ its side, a value uniform along it. None if the
    /// extended box is a single point.
    fn random_cut(
        rng: &mut ComponentRng,
        lo: &[f64],
        hi: &[f64],
        p: &[f64],
    ) -> Option<(usize, f64)> {
        let side = |d: usize| hi[d].max(p[d]) - lo[d].min(p[d]);
        let mut total = 0.0;
        for d in 0..lo.len() {
            total += side(d);
        }
        if total.is_nan() || total <= 0.0 {
            return None;
        }
        let mut r = rng.random::<f64>() * total;
        let mut last = None;
        for d in 0..lo.len() {
            let side = side(d);
            if side.is_nan() || side <= 0.0 {
                continue;
            }
            if r < side {
                return Some((d, lo[d].min(p[d]) + r));
            }
            r -= side;
            last = Some(d);
        }
        // Rounding left r at or past the last side: cut at that side's start.
        last.map(|d| (d, lo[d].min(p[d])))
    }

    fn insert(&mut self, p: &Point) {
        let Some(mut n) = self.root else {
            let leaf = self.alloc(Node::Leaf {
                point: p.clone(),
                mass: 1,
                parent: NONE,
            });
            self.root = Some(leaf);
            return;
        };
        loop {
            if let Node::Leaf { point, mass, .. } = &mut self.nodes[n] {
                if **point == **p {
                    *mass += 1;
                    return;
                }
            }
            let is_leaf = matches!(self.nodes[n], Node::Leaf { .. });
            let (lo, hi) = bbox(&self.nodes, &self.boxes, self.dims, n);
            let mut split = None;
            if let Some((d, c)) = Self::random_cut(&mut self.rng, lo, hi, p) {
                if (p[d] < lo[d] && c < lo[d]) || (p[d] > hi[d] && c >= hi[d] && c < p[d]) {
                    split = Some((d, c));
                } else if is_leaf {
                    // Rounding put the cut on the leaf's side; cut at the
                    // smaller of the two coordinates instead (p differs from
                    // the leaf in d, since the side there is positive).
                    split = Some((d, p[d].min(lo[d])));
                }
            }
            match split {
                Some((d, c)) => {
                    let mut ext = Vec::with_capacity(2 * self.dims);
                    ext.extend(lo.iter().zip(p.iter()).map(|(a, b)| a.min(*b)));
                    ext.extend(hi.iter().zip(p.iter()).map(|(a, b)| a.max(*b)));
                    let parent = self.parent(n);
                    let node_mass = self.mass(n);
                    let leaf = self.alloc(Node::Leaf {
                        point: p.clone(),
                        mass: 1,
                        parent: NONE,
                    });
                    let (left, right) = if p[d] <= c { (leaf, n) } else { (n, leaf) };
                    let inner = self.alloc(Node::Internal {
                        dim: d as u32,
                        cut: c,
                        left: left as u32,
                        right: right as u32,
                        parent: link(parent),
                        mass: node_mass + 1,
                    });
                    self.box_mut(inner).copy_from_slice(&ext);
                    self.replace_child(parent, n, inner);
                    self.set_parent(n, Some(inner));
                    self.set_parent(leaf, Some(inner));
                    return;
                }
                None => {
                    // The point falls inside this node's subtree: grow its box
                    // and mass, then follow the node's own cut.
                    let dims = self.dims;
                    let b = self.box_mut(n);
                    for k in 0..dims {
                        b[k] = b[k].min(p[k]);
                        b[dims + k] = b[dims + k].max(p[k]);
                    }
                    let Node::Internal {
                        dim,
                        cut,
                        left,
                        right,
                        mass,
                        ..
                    } = &mut self.nodes[n]
                    else {
                        return; // unreachable: a leaf always splits
                    };
                    *mass += 1;
                    n = if p[*dim as usize] <= *cut {
                        *left
                    } else {
                        *right
                    } as usize;
                }
            }
        }
    }

    /// The leaf the point's path ends at.
    fn find_leaf(&self, p: &[f64]) -> Option<usize> {
        let mut n = self.root?;
        loop {
            match &self.nodes[n] {
                Node::Leaf { .. } => return Some(n),
                Node::Internal {
                    dim,
                    cut,
                    left,
                    right,
                    ..
                } => {
                    n = if p[*dim as usize] <= *cut {
                        *left
                    } else {
                        *right
                    } as usize;
                }
                Node::Free => return None,
            }
        }
    }

    /// Recomputes the box and mass of an internal node from its children.
    fn refit(&mut self, n: usize) {
        let (l, r) = match &self.nodes[n] {
            Node::Internal { left, right, .. } => (*left as usize, *right as usize),
            _ => return,
        };
        let dims = self.dims;
        for k in 0..dims {
            let (lo, hi) = {
                let (llo, lhi) = self.bbox(l);
                let (rlo, rhi) = self.bbox(r);
                (llo[k].min(rlo[k]), lhi[k].max(rhi[k]))
            };
            let b = self.box_mut(n);
            b[k] = lo;
            b[dims + k] = hi;
        }
        let total = self.mass(l) + self.mass(r);
        if let Node::Internal { mass, .. } = &mut self.nodes[n] {
            *mass = total;
        }
    }

    fn delete(&mut self, p: &[f64]) {
        let Some(leaf) = self.find_leaf(p) else {
            return;
        };
        let (parent, mass) = match &self.nodes[leaf] {
            Node::Leaf {
                point,
                mass,
                parent,
            } if **point == *p => (unlink(*parent), *mass),
            _ => return, // not in this tree (cannot happen for a sampled point)
        };
        if mass > 1 {
            if let Node::Leaf { mass, .. } = &mut self.nodes[leaf] {
                *mass -= 1;
            }
            let mut up = parent;
            while let Some(a) = up {
                if let Node::Internal { mass, parent, .. } = &mut self.nodes[a] {
                    *mass -= 1;
                    up = unlink(*parent);
                } else {
                    break;
                }
            }
            return;
        }
        self.nodes[leaf] = Node::Free;
        self.free.push(leaf);
        let Some(par) = parent else {
            self.root = None;
            return;
        };
        let (sibling, grand) = match &self.nodes[par] {
            Node::Internal {
                left,
                right,
                parent,
                ..
            } => (
                if *left as usize == leaf {
                    *right
                } else {
                    *left
                } as usize,
                unlink(*parent),
            ),
            _ => return,
        };
        self.nodes[par] = Node::Free;
        self.free.push(par);
        self.replace_child(grand, par, sibling);
        self.set_parent(sibling, grand);
        let mut up = grand;
        while let Some(a) = up {
            self.refit(a);
            up = self.parent(a);
        }
    }

    /// Offers the t-th point to the reservoir (and the tree).
    fn update(&mut self, p: &Point, seq: u64, lambda: f64, capacity: usize) {
        let u = open_unit(&mut self.rng);
        let key = libm::log(-libm::log(u)) - lambda * seq as f64;
        let entry = Entry {
            key,
            seq,
            point: p.clone(),
        };
        if self.sample.len() < capacity {
            self.sample.push(entry);
            self.insert(p);
            return;
        }
        let evict = match self.sample.peek() {
            Some(top) => entry < *top,
            None => false,
        };
        if evict {
            if let Some(old) = self.sample.pop() {
                self.delete(&old.point);
            }
            self.sample.push(entry);
            self.insert(p);
        }
    }

    /// The expected-inverse-depth score of `p` against this tree.
    fn score(&self, p: &[f64]) -> f64 {
        let Some(root) = self.root else { return 0.0 };
        let tree_mass = self.mass(root) as f64;
        let mut path = Vec::with_capacity(32);
        let mut n = root;
        while let Node::Internal {
            dim,
            cut,
            left,
            right,
            ..
        } = &self.nodes[n]
        {
            path.push(n);
            n = if p[*dim as usize] <= *cut {
                *left
            } else {
                *right
            } as usize;
        }
        let depth = path.len() as f64;
        let mut score = match &self.nodes[n] {
            Node::Leaf { point, mass, .. } if **point == *p => {
                let m = *mass as f64;
                (1.0 - m / (2.0 * tree_mass)) / (depth + libm::log2(m + 1.0))
            }
            _ => 1.0 / (depth + 1.0),
        };
        for (d, &a) in path.iter().enumerate().rev() {
            let (lo, hi) = self.bbox(a);
            let mut gap = 0.0;
            let mut span = 0.0;
            for k in 0..p.len() {
                let g = (lo[k] - p[k]).max(0.0) + (p[k] - hi[k]).max(0.0);
                gap += g;
                span += hi[k] - lo[k] + g;
            }
            if gap > 0.0 && span > 0.0 {
                let q = gap / span;
                score = q / (d as f64 + 1.0) + (1.0 - q) * score;
            }
        }
        score * libm::log2(tree_mass + 1.0)
    }
}

/// A random cut forest over rows: [`RandomCutForest::score_row`] scores a
/// row, then learns it.
#[derive(Clone, Debug)]
pub struct RandomCutForest {
    numeric: Vec<usize>,
    trees: Vec<Tree>,
    sample_size: usize,
    lambda: f64,
    shingle_size: usize,
    shingle: VecDeque<Vec<f64>>,
    seq: u64,
    output_after: u64,
}

impl RandomCutForest {
    /// `numeric`: indexes of the numeric columns in a row. Parameters are
    /// clamped to workable ranges (trees 1…1000, sample 2…10,000, shingle
    /// 1…64); `time_decay` 0 means no decay. So that one forest stays under
    /// about 64 MB (a page must not run out of memory), the number of trees
    /// is lowered until trees × sample × dimensions ≤ [`MAX_TREE_WORK`]
    /// ([`RandomCutForest::trees`] tells how many were built).
    pub fn new(
        numeric: &[usize],
        trees: u32,
        sample_size: u32,
        time_decay: u32,
        shingle: u32,
        seed: u64,
        label: &str,
    ) -> RandomCutForest {
        let mut master = component_rng(seed, &format!("analytics/rcf/{label}"));
        let shingle_size = shingle.clamp(1, 64) as usize;
        let dims = numeric.len() * shingle_size;
        let sample_size = sample_size.clamp(2, 10_000) as usize;
        let affordable = MAX_TREE_WORK / (sample_size as u64 * dims.max(1) as u64);
        let trees = (trees.clamp(1, 1000) as u64).min(affordable.max(1));
        let trees = (0..trees)
            .map(|_| Tree::new(ComponentRng::from_seed(master.random()), dims))
            .collect();
        RandomCutForest {
            numeric: numeric.to_vec(),
            trees,
            sample_size,
            lambda: if time_decay == 0 {
                0.0
            } else {
                1.0 / time_decay as f64
            },
            shingle_size,
            shingle: VecDeque::new(),
            seq: 0,
            output_after: (sample_size as u64 / 4).max(1),
        }
    }

    /// The base point of a row, or None if a numeric column is NULL, NaN,
    /// infinite or not a number.
    fn base_point(&self, row: &[Value]) -> Option<Vec<f64>> {
        self.numeric
            .iter()
            .map(|&i| match row.get(i)? {
                Value::Int(v) => Some(*v as f64),
                Value::Double(v) if v.is_finite() => Some(v.clamp(-CLAMP, CLAMP)),
                _ => None,
            })
            .collect()
    }

    /// Scores a row's point against the forest, then learns it. None: the
    /// row has an unusable numeric value (see the module notes).
    pub fn score_row(&mut self, row: &[Value]) -> Option<f64> {
        if self.numeric.is_empty() {
            return None;
        }
        let base = self.base_point(row)?;
        self.shingle.push_back(base);
        if self.shingle.len() > self.shingle_size {
            self.shingle.pop_front();
        }
        if self.shingle.len() < self.shingle_size {
            return Some(0.0);
        }
        let point: Point = self
            .shingle
            .iter()
            .flatten()
            .copied()
            .collect::<Vec<f64>>()
            .into();
        Some(self.score_and_update(&point))
    }

    /// Scores a point (already shingled), then offers it to every tree.
    pub fn score_and_update(&mut self, point: &Point) -> f64 {
        let score = if self.seq < self.output_after {
            0.0
        } else {
            let mut sum = 0.0;
            for t in &self.trees {
                sum += t.score(point);
            }
            sum / self.trees.len() as f64
        };
        self.seq += 1;
        for t in &mut self.trees {
            t.update(point, self.seq, self.lambda, self.sample_size);
        }
        score
    }

    /// The number of trees built (see [`MAX_TREE_WORK`]).
    pub fn trees(&self) -> usize {
        self.trees.len()
    }

    /// Points offered so far.
    pub fn seen(&self) -> u64 {
        self.seq
    }

    #[cfg(test)]
    fn check(&self) {
        for t in &self.trees {
            let Some(root) = t.root else {
                assert!(t.sample.is_empty());
                continue;
            };
            assert_eq!(t.mass(root) as usize, t.sample.len());
            for e in t.sample.iter() {
                let leaf = t.find_leaf(&e.point).expect("leaf");
                assert!(matches!(&t.nodes[leaf], Node::Leaf { point, .. } if **point == *e.point));
            }
            // Every internal node's mass is its children's, and its box is
            // exactly the union of theirs.
            for (i, n) in t.nodes.iter().enumerate() {
                if let Node::Internal {
                    left, right, mass, ..
                } = n
                {
                    let (left, right) = (*left as usize, *right as usize);
                    assert_eq!(*mass, t.mass(left) + t.mass(right));
                    assert_eq!(t.parent(left), Some(i));
                    assert_eq!(t.parent(right), Some(i));
                    let (lo, hi) = t.bbox(i);
                    let (llo, lhi) = t.bbox(left);
                    let (rlo, rhi) = t.bbox(right);
                    for k in 0..t.dims {
                        assert_eq!(lo[k], llo[k].min(rlo[k]));
                        assert_eq!(hi[k], lhi[k].max(rhi[k]));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trees_stay_consistent_through_insertions_and_evictions() {
        for shingle in [1, 3] {
            consistent_through(RandomCutForest::new(&[0, 1], 5, 16, 50, shingle, 3, "t"));
        }
    }

    #[test]
    fn big_parameters_are_capped_by_the_memory_budget() {
        // 3 columns × shingle 30 = 90 dimensions, 1000 samples: 22 trees.
        let f = RandomCutForest::new(&[0, 1, 2], 1000, 1000, 100, 30, 1, "big");
        assert_eq!(f.trees() as u64, MAX_TREE_WORK / (1000 * 90));
        // The defaults on a few columns are untouched.
        let f = RandomCutForest::new(&[0, 1, 2], 100, 256, 100_000, 1, 1, "small");
        assert_eq!(f.trees(), 100);
    }

    #[test]
    fn a_node_fits_in_32_bytes() {
        assert!(
            std::mem::size_of::<Node>() <= 32,
            "{}",
            std::mem::size_of::<Node>()
        );
    }

    fn consistent_through(mut f: RandomCutForest) {
        let mut rng = component_rng(9, "points");
        for i in 0..600 {
            // Some duplicates (small integer grid) and some fresh points.
            let x = if i % 3 == 0 {
                (rng.random::<u32>() % 4) as f64
            } else {
                rng.random::<f64>() * 10.0
            };
            let y = (rng.random::<u32>() % 5) as f64;
            f.score_row(&[Value::Double(x), Value::Int(y as i64)]);
            f.check();
        }
    }
}
