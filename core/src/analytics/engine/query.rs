//! One query of a pump, running: its source (a stream with an optional
//! reference-table join, a subquery, or a table function over a cursor
//! query), its WHERE, its shape (rows, tumbling, sliding, stagger, event
//! time) and its emitter (the select list and the ORDER BY buckets).
//!
//! Every operator takes rows in ROWTIME order and time through `advance`;
//! rows come out as `(rowtime, values)` in the order they are due.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use super::agg::{Acc, SlideAcc};
use super::eval::{cmp_keys, eval, truthy, Ctx, ErrSlot};
use super::limit_what as W;
use super::value::{hash_key, key_text, keys_eq, KeyIndex, OrdValue};
use super::{EngineError, Limits, OpenWindow, SqlEvent};
use crate::analytics::plan::{Agg, Expr, Frame, From, Plan, Query, Shape, StreamId};
use crate::analytics::tablefn::TableFnState;
use crate::analytics::types::{ColumnDef, Value};

pub(crate) type Out = Vec<(i64, Vec<Value>)>;

/// State shared by every operator: the event log, counters, limits and the
/// error slot of the row being evaluated.
#[derive(Clone, Debug)]
pub(crate) struct Cx {
    pub events: Vec<SqlEvent>,
    pub event_limit: usize,
    pub events_dropped: u64,
    pub row_errors: u64,
    pub late: u64,
    pub limits: Limits,
    pub err: ErrSlot,
    pub pump_names: Vec<String>,
}

impl Cx {
    #[inline]
    pub fn wants_events(&mut self) -> bool {
        if self.events.len() < self.event_limit {
            true
        } else {
            self.events_dropped += 1;
            false
        }
    }

    #[inline]
    pub fn event(&mut self, e: SqlEvent) {
        if self.events.len() < self.event_limit {
            self.events.push(e);
        } else {
            self.events_dropped += 1;
        }
    }

    /// Turns the error slot, if set, into a RowError event.
    #[inline]
    pub fn report(&mut self, pump: usize, rowtime: i64) {
        if let Some(message) = self.err.take() {
            self.row_errors += 1;
            self.event(SqlEvent::RowError {
                pump,
                rowtime,
                message,
            });
        }
    }

    pub fn note(&mut self, msg: impl FnOnce() -> String) {
        if self.err.is_none() {
            self.err = Some(msg());
        }
    }

    pub fn limit(&self, pump: usize, what: &str, limit: u64) -> EngineError {
        EngineError::Limit {
            pump: self.pump_names.get(pump).cloned().unwrap_or_default(),
            what: what.to_string(),
            limit,
        }
    }
}

fn time_of(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Ts(t) | Value::Int(t) => Some(*t),
        Value::Double(d) if d.is_finite() && d.abs() < 9.0e18 => Some(d.floor() as i64),
        _ => None,
    }
}

fn add_aggs(accs: &mut [Acc], aggs: &[Agg], ctx: &Ctx, cx: &mut Cx) -> u64 {
    let mut grew = 0u64;
    for (acc, a) in accs.iter_mut().zip(aggs) {
        let v = a.arg.as_ref().map(|e| eval(e, ctx, &mut cx.err));
        match acc.add(a.func, v) {
            Ok(g) => grew += g as u64,
            Err(m) => cx.note(|| m),
        }
    }
    grew
}

fn finish(accs: &[Acc], aggs: &[Agg]) -> Vec<Value> {
    accs.iter()
        .zip(aggs)
        .map(|(acc, a)| acc.finish(a.func))
        .collect()
}

fn distinct_len(accs: &[Acc]) -> u64 {
    accs.iter().map(|a| a.distinct_len() as u64).sum()
}

// ---------------------------------------------------------------- emitter

/// (sort keys, output row)
type Held = (Vec<Value>, Vec<Value>);

#[derive(Clone, Debug)]
struct OrderState {
    bucket: Expr,
    width: i64,
    keys: Vec<Expr>,
    desc: Vec<bool>,
    /// bucket end → (sort keys, output row), in arrival order.
    buckets: BTreeMap<i64, Vec<Held>>,
    held: u64,
}

/// The select list, then ORDER BY buckets if any.
#[derive(Clone, Debug)]
struct Emitter {
    pump: usize,
    select: Vec<Expr>,
    order: Option<OrderState>,
}

impl Emitter {
    fn emit(
        &mut self,
        ctx: &Ctx,
        rowtime: i64,
        cx: &mut Cx,
        out: &mut Out,
    ) -> Result<(), EngineError> {
        let vals: Vec<Value> = self
            .select
            .iter()
            .map(|e| eval(e, ctx, &mut cx.err))
            .collect();
        match &mut self.order {
            None => {
                cx.report(self.pump, rowtime);
                out.push((rowtime, vals));
            }
            Some(o) => {
                let b = eval(&o.bucket, ctx, &mut cx.err);
                let Some(start) = time_of(Some(&b)) else {
                    cx.note(|| "the ORDER BY time is NULL: row left out".to_string());
                    cx.report(self.pump, rowtime);
                    return Ok(());
                };
                let kcx = Ctx::row(&vals, rowtime);
                let keys: Vec<Value> = o.keys.iter().map(|e| eval(e, &kcx, &mut cx.err)).collect();
                cx.report(self.pump, rowtime);
                if o.held >= cx.limits.held_rows {
                    return Err(cx.limit(self.pump, W::ORDER_BY_ROWS, cx.limits.held_rows));
                }
                o.held += 1;
                o.buckets
                    .entry(start.saturating_add(o.width))
                    .or_default()
                    .push((keys, vals));
            }
        }
        Ok(())
    }

    fn advance(&mut self, now: i64, out: &mut Out) {
        let Some(o) = &mut self.order else { return };
        while let Some((&end, _)) = o.buckets.first_key_value() {
            if end > now {
                break;
            }
            let (_, mut rows) = o.buckets.pop_first().unwrap_or_default();
            o.held -= rows.len() as u64;
            let desc = &o.desc;
            rows.sort_by(|a, b| cmp_keys(&a.0, &b.0, desc));
            out.extend(rows.into_iter().map(|(_, v)| (end, v)));
        }
    }

    fn deadline(&self) -> Option<i64> {
        self.order
            .as_ref()?
            .buckets
            .first_key_value()
            .map(|(k, _)| *k)
    }
}

// ---------------------------------------------------------------- groups

#[derive(Clone, Debug)]
struct Group {
    keys: Vec<Value>,
    accs: Vec<Acc>,
    rows: u64,
}

/// Groups of one window in first-seen order, with a hash index for lookup.
#[derive(Clone, Debug, Default)]
struct GroupSet {
    groups: Vec<Group>,
    index: KeyIndex,
}

impl GroupSet {
    /// The group of `keys`, created if new (`Ok(None)` asks the caller to
    /// check the limit first: returned as `Err(())`).
    #[inline]
    fn find(&self, keys: &[Value], h: u64) -> Option<usize> {
        self.index
            .find(h, |i| keys_eq(&self.groups[i as usize].keys, keys))
            .map(|i| i as usize)
    }

    fn add(&mut self, keys: &[Value], h: u64, aggs: &[Agg]) -> usize {
        let i = self.groups.len();
        self.groups.push(Group {
            keys: keys.to_vec(),
            accs: aggs.iter().map(Acc::new).collect(),
            rows: 0,
        });
        self.index.insert(h, i as u32);
        i
    }
}

// ---------------------------------------------------------------- tumbling

#[derive(Clone, Debug)]
struct Tumbling {
    keys: Vec<Expr>,
    time_key: usize,
    step: i64,
    aggs: Vec<Agg>,
    having: Option<Expr>,
    /// window start (the time key's value) → its groups.
    windows: BTreeMap<i64, GroupSet>,
    open: u64,
    distinct: u64,
    scratch: Vec<Value>,
}

impl Tumbling {
    fn add(&mut self, row: &[Value], rt: i64, pump: usize, cx: &mut Cx) -> Result<(), EngineError> {
        let ctx = Ctx::row(row, rt);
        self.scratch.clear();
        for k in &self.keys {
            self.scratch.push(eval(k, &ctx, &mut cx.err));
        }
        let Some(tv) = time_of(self.scratch.get(self.time_key)) else {
            cx.note(|| "the window's time key is NULL: row left out".to_string());
            cx.report(pump, rt);
            return Ok(());
        };
        let h = hash_key(&self.scratch);
        let set = self.windows.entry(tv).or_default();
        let gi = match set.find(&self.scratch, h) {
            Some(i) => i,
            None => {
                if self.open >= cx.limits.open_groups {
                    return Err(cx.limit(pump, W::OPEN_GROUPS, cx.limits.open_groups));
                }
                self.open += 1;
                if cx.wants_events() {
                    let key = key_text(&self.scratch, Some(self.time_key));
                    cx.event(SqlEvent::WindowOpen {
                        pump,
                        key,
                        start: tv,
                        end: tv.saturating_add(self.step),
                    });
                }
                set.add(&self.scratch, h, &self.aggs)
            }
        };
        let g = &mut set.groups[gi];
        g.rows += 1;
        self.distinct += add_aggs(&mut g.accs, &self.aggs, &ctx, cx);
        cx.report(pump, rt);
        if self.distinct > cx.limits.window_rows {
            return Err(cx.limit(pump, W::DISTINCT_VALUES, cx.limits.window_rows));
        }
        Ok(())
    }

    fn advance(
        &mut self,
        now: i64,
        pump: usize,
        em: &mut Emitter,
        cx: &mut Cx,
        out: &mut Out,
    ) -> Result<(), EngineError> {
        while let Some((&tv, _)) = self.windows.first_key_value() {
            let end = tv.saturating_add(self.step);
            if end > now {
                break;
            }
            let Some((_, set)) = self.windows.pop_first() else {
                break;
            };
            self.open -= set.groups.len() as u64;
            for g in set.groups {
                self.distinct -= distinct_len(&g.accs);
                let aggv = finish(&g.accs, &self.aggs);
                if cx.wants_events() {
                    let key = key_text(&g.keys, Some(self.time_key));
                    cx.event(SqlEvent::WindowFire {
                        pump,
                        key,
                        start: tv,
                        end,
                        rows: g.rows,
                    });
                }
                let ctx = Ctx {
                    row: &[],
                    rowtime: end,
                    keys: &g.keys,
                    aggs: &aggv,
                    wstart: tv,
                    wend: end,
                };
                if let Some(h) = &self.having {
                    let keep = truthy(&eval(h, &ctx, &mut cx.err));
                    if !keep {
                        cx.report(pump, end);
                        continue;
                    }
                }
                em.emit(&ctx, end, cx, out)?;
            }
        }
        Ok(())
    }

    fn deadline(&self) -> Option<i64> {
        self.windows
            .first_key_value()
            .map(|(tv, _)| tv.saturating_add(self.step))
    }
}

// ---------------------------------------------------------------- sliding

#[derive(Clone, Debug)]
struct Part {
    keys: Vec<Value>,
    hash: u64,
    first_seq: u64,
    next_seq: u64,
    /// The argument values of the rows in the frame, `aggs.len()` per row.
    vals: VecDeque<Value>,
    accs: Vec<SlideAcc>,
}

#[derive(Clone, Debug)]
struct SWin {
    partition: Vec<Expr>,
    frame: Frame,
    /// The aggregates (indexes into `Sliding::aggs`) over this window.
    aggs: Vec<usize>,
    parts: Vec<Option<Part>>,
    free: Vec<u32>,
    index: KeyIndex,
    /// RANGE frames: every row in the window, oldest first (ROWTIME, partition).
    fifo: VecDeque<(i64, u32)>,
}

/// The rows of the current ROWTIME, held flat so that holding a row
/// allocates nothing once the buffers have grown: row i is
/// `rows[offs[i]..offs[i + 1]]`, its partition in the j-th RANGE window is
/// `parts[i * ranges + j]`, its aggregate values `aggv[i * aggs..]`.
#[derive(Clone, Debug, Default)]
struct Pending {
    offs: Vec<usize>,
    rows: Vec<Value>,
    parts: Vec<u32>,
    aggv: Vec<Value>,
}

#[derive(Clone, Debug)]
struct Sliding {
    wins: Vec<SWin>,
    aggs: Vec<Agg>,
    has_range: bool,
    /// Rows of the current ROWTIME, held until time moves on so that their
    /// RANGE aggregates include every peer (rows with the same ROWTIME).
    pending: Pending,
    pending_t: i64,
    /// How many windows are RANGE windows.
    ranges: usize,
    kept: u64,
    parts_open: u64,
    scratch: Vec<Value>,
    aggv: Vec<Value>,
}

fn evict_front(part: &mut Part, win_aggs: &[usize], aggs: &[Agg]) {
    let seq = part.first_seq;
    part.first_seq += 1;
    for (k, &j) in win_aggs.iter().enumerate() {
        let v = part.vals.pop_front().unwrap_or(Value::Null);
        let a = &aggs[j];
        part.accs[k].remove(a.func, seq, a.arg.is_some().then_some(&v));
    }
}

impl Sliding {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        row: &[Value],
        rt: i64,
        pump: usize,
        em: &mut Emitter,
        cx: &mut Cx,
        out: &mut Out,
    ) -> Result<(), EngineError> {
        let ctx = Ctx::row(row, rt);
        let Sliding {
            wins,
            aggs,
            has_range,
            kept,
            parts_open,
            scratch,
            aggv,
            pending,
            ..
        } = self;
        let na = aggs.len();
        // Held rows get their aggregate slots in the pending buffer itself.
        let base = if *has_range {
            if pending.offs.len() as u64 >= cx.limits.held_rows {
                return Err(cx.limit(pump, W::PEER_ROWS, cx.limits.held_rows));
            }
            let b = pending.aggv.len();
            pending.aggv.resize(b + na, Value::Null);
            b
        } else {
            aggv.clear();
            aggv.resize(na, Value::Null);
            0
        };
        for win in wins.iter_mut() {
            if let Frame::Range(r) = win.frame {
                let lo = rt.saturating_sub(r);
                while let Some(&(t, p)) = win.fifo.front() {
                    if t > lo {
                        break;
                    }
                    win.fifo.pop_front();
                    *kept -= 1;
                    let empty = match win.parts.get_mut(p as usize).and_then(|x| x.as_mut()) {
                        Some(part) => {
                            evict_front(part, &win.aggs, aggs);
                            part.first_seq == part.next_seq
                        }
                        None => false,
                    };
                    if empty {
                        if let Some(part) = win.parts[p as usize].take() {
                            win.index.remove(part.hash, p);
                            win.free.push(p);
                            *parts_open -= 1;
                        }
                    }
                }
            }
            scratch.clear();
            for e in &win.partition {
                scratch.push(eval(e, &ctx, &mut cx.err));
            }
            let h = hash_key(scratch);
            let parts_ref = &win.parts;
            let found = win.index.find(h, |i| {
                parts_ref[i as usize]
                    .as_ref()
                    .is_some_and(|p| keys_eq(&p.keys, scratch))
            });
            let pi = match found {
                Some(i) => i,
                None => {
                    if *parts_open >= cx.limits.open_groups {
                        return Err(cx.limit(pump, W::OPEN_PARTITIONS, cx.limits.open_groups));
                    }
                    *parts_open += 1;
                    let part = Part {
                        keys: scratch.clone(),
                        hash: h,
                        first_seq: 0,
                        next_seq: 0,
                        vals: VecDeque::new(),
                        accs: win.aggs.iter().map(|&j| SlideAcc::new(&aggs[j])).collect(),
                    };
                    let i = match win.free.pop() {
                        Some(i) => {
                            win.parts[i as usize] = Some(part);
                            i
                        }
                        None => {
                            win.parts.push(Some(part));
                            (win.parts.len() - 1) as u32
                        }
                    };
                    win.index.insert(h, i);
                    i
                }
            };
            let Some(part) = win.parts[pi as usize].as_mut() else {
                continue;
            };
            let seq = part.next_seq;
            part.next_seq += 1;
            for (k, &j) in win.aggs.iter().enumerate() {
                let a = &aggs[j];
                let v = a
                    .arg
                    .as_ref()
                    .map(|e| eval(e, &ctx, &mut cx.err))
                    .unwrap_or(Value::Null);
                if let Err(m) = part.accs[k].add(a.func, seq, a.arg.is_some().then_some(&v)) {
                    cx.note(|| m);
                }
                part.vals.push_back(v);
            }
            *kept += 1;
            match win.frame {
                Frame::Range(_) => {
                    win.fifo.push_back((rt, pi));
                    pending.parts.push(pi);
                }
                Frame::Rows(n) => {
                    while part.next_seq - part.first_seq > n as u64 + 1 {
                        evict_front(part, &win.aggs, aggs);
                        *kept -= 1;
                    }
                    for (k, &j) in win.aggs.iter().enumerate() {
                        let v = part.accs[k].finish(aggs[j].func);
                        if *has_range {
                            pending.aggv[base + j] = v;
                        } else {
                            aggv[j] = v;
                        }
                    }
                }
            }
        }
        cx.report(pump, rt);
        if *kept > cx.limits.window_rows {
            return Err(cx.limit(pump, W::SLIDING_ROWS, cx.limits.window_rows));
        }
        if *has_range {
            pending.offs.push(pending.rows.len());
            pending.rows.extend_from_slice(row);
            self.pending_t = rt;
            Ok(())
        } else {
            let c = Ctx {
                row,
                rowtime: rt,
                keys: &[],
                aggs: aggv,
                wstart: rt,
                wend: rt,
            };
            em.emit(&c, rt, cx, out)
        }
    }

    fn advance(
        &mut self,
        now: i64,
        em: &mut Emitter,
        cx: &mut Cx,
        out: &mut Out,
    ) -> Result<(), EngineError> {
        if self.pending.offs.is_empty() || now <= self.pending_t {
            return Ok(());
        }
        let mut p = std::mem::take(&mut self.pending);
        let (n, na, nr, rt) = (p.offs.len(), self.aggs.len(), self.ranges, self.pending_t);
        let mut result = Ok(());
        for i in 0..n {
            let mut r = 0;
            for win in &self.wins {
                if !matches!(win.frame, Frame::Range(_)) {
                    continue;
                }
                if let Some(part) = p
                    .parts
                    .get(i * nr + r)
                    .and_then(|&pi| win.parts.get(pi as usize))
                    .and_then(|x| x.as_ref())
                {
                    for (k, &j) in win.aggs.iter().enumerate() {
                        if let Some(slot) = p.aggv.get_mut(i * na + j) {
                            *slot = part.accs[k].finish(self.aggs[j].func);
                        }
                    }
                }
                r += 1;
            }
            let end = p.offs.get(i + 1).copied().unwrap_or(p.rows.len());
            let c = Ctx {
                row: p.rows.get(p.offs[i]..end).unwrap_or(&[]),
                rowtime: rt,
                keys: &[],
                aggs: p.aggv.get(i * na..(i + 1) * na).unwrap_or(&[]),
                wstart: rt,
                wend: rt,
            };
            result = em.emit(&c, rt, cx, out);
            if result.is_err() {
                break;
            }
        }
        // Keep the buffers' memory for the next ROWTIME.
        p.offs.clear();
        p.rows.clear();
        p.parts.clear();
        p.aggv.clear();
        self.pending = p;
        result
    }

    fn deadline(&self) -> Option<i64> {
        (!self.pending.offs.is_empty()).then(|| self.pending_t.saturating_add(1))
    }
}

// ---------------------------------------------------------------- stagger

#[derive(Clone, Debug)]
struct SGroup {
    keys: Vec<Value>,
    hash: u64,
    open: i64,
    close: i64,
    accs: Vec<Acc>,
    rows: u64,
}

#[derive(Clone, Debug)]
struct Stagger {
    keys: Vec<Expr>,
    range: i64,
    aggs: Vec<Agg>,
    having: Option<Expr>,
    slots: Vec<Option<SGroup>>,
    free: Vec<u32>,
    index: KeyIndex,
    /// (close time, opening order) → slot.
    closes: BTreeMap<(i64, u64), u32>,
    seq: u64,
    open: u64,
    distinct: u64,
    scratch: Vec<Value>,
}

impl Stagger {
    fn add(&mut self, row: &[Value], rt: i64, pump: usize, cx: &mut Cx) -> Result<(), EngineError> {
        let ctx = Ctx::row(row, rt);
        self.scratch.clear();
        for k in &self.keys {
            self.scratch.push(eval(k, &ctx, &mut cx.err));
        }
        let h = hash_key(&self.scratch);
        let slots = &self.slots;
        let scratch = &self.scratch;
        let found = self.index.find(h, |i| {
            slots[i as usize]
                .as_ref()
                .is_some_and(|g| keys_eq(&g.keys, scratch))
        });
        let si = match found {
            Some(i) => i,
            None => {
                if self.open >= cx.limits.open_groups {
                    return Err(cx.limit(pump, W::OPEN_STAGGER_WINDOWS, cx.limits.open_groups));
                }
                self.open += 1;
                let close = rt.saturating_add(self.range);
                let g = SGroup {
                    keys: self.scratch.clone(),
                    hash: h,
                    open: rt,
                    close,
                    accs: self.aggs.iter().map(Acc::new).collect(),
                    rows: 0,
                };
                let i = match self.free.pop() {
                    Some(i) => {
                        self.slots[i as usize] = Some(g);
                        i
                    }
                    None => {
                        self.slots.push(Some(g));
                        (self.slots.len() - 1) as u32
                    }
                };
                self.index.insert(h, i);
                self.closes.insert((close, self.seq), i);
                self.seq += 1;
                if cx.wants_events() {
                    let key = key_text(&self.scratch, None);
                    cx.event(SqlEvent::WindowOpen {
                        pump,
                        key,
                        start: rt,
                        end: close,
                    });
                }
                i
            }
        };
        if let Some(g) = self.slots[si as usize].as_mut() {
            g.rows += 1;
            self.distinct += add_aggs(&mut g.accs, &self.aggs, &ctx, cx);
        }
        cx.report(pump, rt);
        if self.distinct > cx.limits.window_rows {
            return Err(cx.limit(pump, W::DISTINCT_VALUES, cx.limits.window_rows));
        }
        Ok(())
    }

    fn advance(
        &mut self,
        now: i64,
        pump: usize,
        em: &mut Emitter,
        cx: &mut Cx,
        out: &mut Out,
    ) -> Result<(), EngineError> {
        while let Some((&(close, _), &si)) = self.closes.first_key_value() {
            if close > now {
                break;
            }
            self.closes.pop_first();
            let Some(g) = self.slots.get_mut(si as usize).and_then(|s| s.take()) else {
                continue;
            };
            self.free.push(si);
            self.index.remove(g.hash, si);
            self.open -= 1;
            self.distinct -= distinct_len(&g.accs);
            let aggv = finish(&g.accs, &self.aggs);
            if cx.wants_events() {
                let key = key_text(&g.keys, None);
                cx.event(SqlEvent::WindowFire {
                    pump,
                    key,
                    start: g.open,
                    end: g.close,
                    rows: g.rows,
                });
            }
            let ctx = Ctx {
                row: &[],
                rowtime: close,
                keys: &g.keys,
                aggs: &aggv,
                wstart: g.open,
                wend: close,
            };
            if let Some(h) = &self.having {
                if !truthy(&eval(h, &ctx, &mut cx.err)) {
                    cx.report(pump, close);
                    continue;
                }
            }
            em.emit(&ctx, close, cx, out)?;
        }
        Ok(())
    }

    fn deadline(&self) -> Option<i64> {
        self.closes.first_key_value().map(|(k, _)| k.0)
    }
}

// ---------------------------------------------------------------- event time

#[derive(Clone, Debug)]
struct EventTime {
    time: Expr,
    size: i64,
    slide: i64,
    delay: i64,
    keys: Vec<Expr>,
    aggs: Vec<Agg>,
    /// window start (event time) → groups.
    windows: BTreeMap<i64, GroupSet>,
    watermark: i64,
    open: u64,
    distinct: u64,
    scratch: Vec<Value>,
}

impl EventTime {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        row: &[Value],
        rt: i64,
        pump: usize,
        em: &mut Emitter,
        cx: &mut Cx,
        out: &mut Out,
    ) -> Result<(), EngineError> {
        let ctx = Ctx::row(row, rt);
        let tv = eval(&self.time, &ctx, &mut cx.err);
        let Some(ts) = time_of(Some(&tv)) else {
            cx.note(|| "the event time is NULL: row left out".to_string());
            cx.report(pump, rt);
            return Ok(());
        };
        self.scratch.clear();
        for k in &self.keys {
            self.scratch.push(eval(k, &ctx, &mut cx.err));
        }
        let h = hash_key(&self.scratch);
        let mut any = false;
        let mut s = ts.div_euclid(self.slide).saturating_mul(self.slide);
        loop {
            let end = s.saturating_add(self.size);
            if end <= ts {
                break;
            }
            if end > self.watermark {
                let set = self.windows.entry(s).or_default();
                let gi = match set.find(&self.scratch, h) {
                    Some(i) => i,
                    None => {
                        if self.open >= cx.limits.open_groups {
                            return Err(cx.limit(pump, W::OPEN_GROUPS, cx.limits.open_groups));
                        }
                        self.open += 1;
                        if cx.wants_events() {
                            let key = key_text(&self.scratch, None);
                            cx.event(SqlEvent::WindowOpen {
                                pump,
                                key,
                                start: s,
                                end,
                            });
                        }
                        set.add(&self.scratch, h, &self.aggs)
                    }
                };
                let g = &mut set.groups[gi];
                g.rows += 1;
                self.distinct += add_aggs(&mut g.accs, &self.aggs, &ctx, cx);
                any = true;
            }
            let Some(prev) = s.checked_sub(self.slide) else {
                break;
            };
            s = prev;
        }
        cx.report(pump, rt);
        if !any {
            cx.late += 1;
            cx.event(SqlEvent::Late {
                pump,
                rowtime: rt,
                event_time: ts,
            });
            return Ok(());
        }
        if self.distinct > cx.limits.window_rows {
            return Err(cx.limit(pump, W::DISTINCT_VALUES, cx.limits.window_rows));
        }
        self.watermark = self.watermark.max(ts.saturating_sub(self.delay));
        while let Some((&start, _)) = self.windows.first_key_value() {
            let end = start.saturating_add(self.size);
            if end > self.watermark {
                break;
            }
            let Some((_, set)) = self.windows.pop_first() else {
                break;
            };
            self.open -= set.groups.len() as u64;
            for g in set.groups {
                self.distinct -= distinct_len(&g.accs);
                let aggv = finish(&g.accs, &self.aggs);
                if cx.wants_events() {
                    let key = key_text(&g.keys, None);
                    cx.event(SqlEvent::WindowFire {
                        pump,
                        key,
                        start,
                        end,
                        rows: g.rows,
                    });
                }
                let ctx = Ctx {
                    row: &[],
                    rowtime: rt,
                    keys: &g.keys,
                    aggs: &aggv,
                    wstart: start,
                    wend: end,
                };
                em.emit(&ctx, rt, cx, out)?;
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- the query

#[derive(Clone, Debug)]
enum ShapeOp {
    Rows,
    Tumbling(Box<Tumbling>),
    Sliding(Box<Sliding>),
    Stagger(Box<Stagger>),
    EventTime(Box<EventTime>),
}

#[derive(Clone, Debug)]
struct Core {
    pump: usize,
    filter: Option<Expr>,
    shape: ShapeOp,
    em: Emitter,
}

impl Core {
    fn process(
        &mut self,
        rt: i64,
        row: &[Value],
        cx: &mut Cx,
        out: &mut Out,
    ) -> Result<(), EngineError> {
        self.advance(rt, cx, out)?;
        if let Some(f) = &self.filter {
            let keep = truthy(&eval(f, &Ctx::row(row, rt), &mut cx.err));
            cx.report(self.pump, rt);
            if !keep {
                return Ok(());
            }
        }
        let pump = self.pump;
        match &mut self.shape {
            ShapeOp::Rows => self.em.emit(&Ctx::row(row, rt), rt, cx, out),
            ShapeOp::Tumbling(t) => t.add(row, rt, pump, cx),
            ShapeOp::Sliding(s) => s.add(row, rt, pump, &mut self.em, cx, out),
            ShapeOp::Stagger(s) => s.add(row, rt, pump, cx),
            ShapeOp::EventTime(e) => e.add(row, rt, pump, &mut self.em, cx, out),
        }
    }

    fn advance(&mut self, now: i64, cx: &mut Cx, out: &mut Out) -> Result<(), EngineError> {
        let pump = self.pump;
        match &mut self.shape {
            ShapeOp::Rows | ShapeOp::EventTime(_) => {}
            ShapeOp::Tumbling(t) => t.advance(now, pump, &mut self.em, cx, out)?,
            ShapeOp::Sliding(s) => s.advance(now, &mut self.em, cx, out)?,
            ShapeOp::Stagger(s) => s.advance(now, pump, &mut self.em, cx, out)?,
        }
        self.em.advance(now, out);
        Ok(())
    }

    fn deadline(&self) -> Option<i64> {
        let shape = match &self.shape {
            ShapeOp::Rows | ShapeOp::EventTime(_) => None,
            ShapeOp::Tumbling(t) => t.deadline(),
            ShapeOp::Sliding(s) => s.deadline(),
            ShapeOp::Stagger(s) => s.deadline(),
        };
        min_opt(shape, self.em.deadline())
    }
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

#[derive(Clone, Debug)]
struct JoinOp {
    left_key: Expr,
    outer: bool,
    width: usize,
    rows: Arc<Vec<Vec<Value>>>,
    index: BTreeMap<OrdValue, Vec<u32>>,
    buf: Vec<Value>,
}

#[derive(Clone, Debug)]
enum Source {
    Stream {
        stream: StreamId,
        join: Option<JoinOp>,
    },
    Sub(Box<QueryOp>),
    TableFn {
        state: Box<TableFnState>,
        input: Box<QueryOp>,
        tmp: Out,
    },
}

#[derive(Clone, Debug)]
pub(crate) struct QueryOp {
    source: Source,
    core: Core,
    tmp: Out,
}

impl QueryOp {
    /// The stream whose rows feed this query.
    pub fn stream(&self) -> StreamId {
        match &self.source {
            Source::Stream { stream, .. } => *stream,
            Source::Sub(q) => q.stream(),
            Source::TableFn { input, .. } => input.stream(),
        }
    }

    pub fn push(
        &mut self,
        rt: i64,
        row: &[Value],
        cx: &mut Cx,
        out: &mut Out,
    ) -> Result<(), EngineError> {
        match &mut self.source {
            Source::Stream { join: None, .. } => self.core.process(rt, row, cx, out),
            Source::Stream { join: Some(j), .. } => {
                let key = eval(&j.left_key, &Ctx::row(row, rt), &mut cx.err);
                cx.report(self.core.pump, rt);
                let JoinOp {
                    outer,
                    width,
                    rows,
                    index,
                    buf,
                    ..
                } = j;
                let hits: &[u32] = if matches!(key, Value::Null) {
                    &[]
                } else {
                    index
                        .get(&OrdValue(key))
                        .map(|v| v.as_slice())
                        .unwrap_or(&[])
                };
                if hits.is_empty() {
                    if *outer {
                        buf.clear();
                        buf.extend_from_slice(row);
                        buf.resize(row.len() + *width, Value::Null);
                        self.core.process(rt, buf, cx, out)?;
                    }
                    return Ok(());
                }
                for &h in hits {
                    buf.clear();
                    buf.extend_from_slice(row);
                    match rows.get(h as usize) {
                        Some(r) => buf.extend_from_slice(r),
                        None => buf.resize(row.len() + *width, Value::Null),
                    }
                    self.core.process(rt, buf, cx, out)?;
                }
                Ok(())
            }
            Source::Sub(inner) => {
                let mut tmp = std::mem::take(&mut self.tmp);
                inner.push(rt, row, cx, &mut tmp)?;
                for (t, r) in tmp.drain(..) {
                    self.core.process(t, &r, cx, out)?;
                }
                self.tmp = tmp;
                Ok(())
            }
            Source::TableFn {
                state,
                input,
                tmp: fn_out,
            } => {
                let mut tmp = std::mem::take(&mut self.tmp);
                input.push(rt, row, cx, &mut tmp)?;
                for (t, r) in tmp.drain(..) {
                    state.push(t, &r, fn_out);
                }
                self.tmp = tmp;
                for (t, r) in fn_out.drain(..) {
                    self.core.process(t, &r, cx, out)?;
                }
                Ok(())
            }
        }
    }

    pub fn advance(&mut self, now: i64, cx: &mut Cx, out: &mut Out) -> Result<(), EngineError> {
        match &mut self.source {
            Source::Stream { .. } => {}
            Source::Sub(inner) => {
                let mut tmp = std::mem::take(&mut self.tmp);
                inner.advance(now, cx, &mut tmp)?;
                for (t, r) in tmp.drain(..) {
                    self.core.process(t, &r, cx, out)?;
                }
                self.tmp = tmp;
            }
            Source::TableFn {
                state,
                input,
                tmp: fn_out,
            } => {
                let mut tmp = std::mem::take(&mut self.tmp);
                input.advance(now, cx, &mut tmp)?;
                for (t, r) in tmp.drain(..) {
                    state.push(t, &r, fn_out);
                }
                self.tmp = tmp;
                state.advance_to(now, fn_out);
                for (t, r) in fn_out.drain(..) {
                    self.core.process(t, &r, cx, out)?;
                }
            }
        }
        self.core.advance(now, cx, out)
    }

    pub fn deadline(&self) -> Option<i64> {
        let src = match &self.source {
            Source::Stream { .. } => None,
            Source::Sub(q) => q.deadline(),
            Source::TableFn { state, input, .. } => {
                min_opt(state.next_deadline(), input.deadline())
            }
        };
        min_opt(src, self.core.deadline())
    }

    /// Open windows (tumbling groups, stagger windows, event-time groups).
    pub fn open_windows(&self, out: &mut Vec<OpenWindow>) {
        match &self.source {
            Source::Stream { .. } => {}
            Source::Sub(q) => q.open_windows(out),
            Source::TableFn { input, .. } => input.open_windows(out),
        }
        let pump = self.core.pump;
        match &self.core.shape {
            ShapeOp::Tumbling(t) => {
                for (&tv, set) in &t.windows {
                    for g in &set.groups {
                        out.push(OpenWindow {
                            pump,
                            key: key_text(&g.keys, Some(t.time_key)),
                            start: tv,
                            end: tv.saturating_add(t.step),
                            rows: g.rows,
                        });
                    }
                }
            }
            ShapeOp::Stagger(s) => {
                for &si in s.closes.values() {
                    if let Some(g) = s.slots.get(si as usize).and_then(|x| x.as_ref()) {
                        out.push(OpenWindow {
                            pump,
                            key: key_text(&g.keys, None),
                            start: g.open,
                            end: g.close,
                            rows: g.rows,
                        });
                    }
                }
            }
            ShapeOp::EventTime(e) => {
                for (&start, set) in &e.windows {
                    for g in &set.groups {
                        out.push(OpenWindow {
                            pump,
                            key: key_text(&g.keys, None),
                            start,
                            end: start.saturating_add(e.size),
                            rows: g.rows,
                        });
                    }
                }
            }
            ShapeOp::Rows | ShapeOp::Sliding(_) => {}
        }
    }

    /// (open groups or partitions, rows kept in sliding windows or held).
    pub fn state_size(&self) -> (u64, u64) {
        let (mut g, mut r) = match &self.source {
            Source::Stream { .. } => (0, 0),
            Source::Sub(q) => q.state_size(),
            Source::TableFn { input, .. } => input.state_size(),
        };
        match &self.core.shape {
            ShapeOp::Tumbling(t) => g += t.open,
            ShapeOp::Stagger(s) => g += s.open,
            ShapeOp::EventTime(e) => g += e.open,
            ShapeOp::Sliding(s) => {
                g += s.parts_open;
                r += s.kept + s.pending.offs.len() as u64;
            }
            ShapeOp::Rows => {}
        }
        if let Some(o) = &self.core.em.order {
            r += o.held;
        }
        (g, r)
    }
}

// ---------------------------------------------------------------- building

pub(crate) struct BuildCx<'a> {
    pub plan: &'a Plan,
    pub tables: &'a [Arc<Vec<Vec<Value>>>],
    pub seed: u64,
    pub label: String,
    pub calls: usize,
}

fn bad(problem: impl Into<String>) -> EngineError {
    EngineError::BadPlan {
        problem: problem.into(),
    }
}

pub(crate) fn build(
    q: &Query,
    pump: usize,
    b: &mut BuildCx,
    depth: usize,
) -> Result<QueryOp, EngineError> {
    if depth > super::MAX_NESTING {
        return Err(bad("queries are nested too deeply"));
    }
    let source = match &q.from {
        From::Stream { stream, join } => {
            if *stream >= b.plan.streams.len() {
                return Err(bad(format!(
                    "pump {pump} reads stream {stream}, which does not exist"
                )));
            }
            let join = match join {
                None => None,
                Some(j) => {
                    let def = b
                        .plan
                        .tables
                        .get(j.table)
                        .ok_or_else(|| bad(format!("table {} does not exist", j.table)))?;
                    let rows = b
                        .tables
                        .get(j.table)
                        .cloned()
                        .ok_or_else(|| bad(format!("no rows for table {}", def.name)))?;
                    if j.right_col >= def.columns.len() {
                        return Err(bad(format!(
                            "table {} has no column {}",
                            def.name, j.right_col
                        )));
                    }
                    let mut index: BTreeMap<OrdValue, Vec<u32>> = BTreeMap::new();
                    for (i, r) in rows.iter().enumerate() {
                        match r.get(j.right_col) {
                            None | Some(Value::Null) => {}
                            Some(k) => index.entry(OrdValue(k.clone())).or_default().push(i as u32),
                        }
                    }
                    Some(JoinOp {
                        left_key: j.left_key.clone(),
                        outer: j.outer,
                        width: def.columns.len(),
                        rows,
                        index,
                        buf: Vec::new(),
                    })
                }
            };
            Source::Stream {
                stream: *stream,
                join,
            }
        }
        From::Subquery(inner) => Source::Sub(Box::new(build(inner, pump, b, depth + 1)?)),
        From::TableFn { func, input } => {
            let inner = build(input, pump, b, depth + 1)?;
            let cols: Vec<ColumnDef> = input
                .names
                .iter()
                .zip(&input.types)
                .map(|(n, t)| ColumnDef {
                    name: n.clone(),
                    ty: *t,
                })
                .collect();
            let label = format!("{}#{}", b.label, b.calls);
            b.calls += 1;
            Source::TableFn {
                state: Box::new(TableFnState::new(func, &cols, b.seed, &label)),
                input: Box::new(inner),
                tmp: Vec::new(),
            }
        }
    };
    let shape = match &q.shape {
        Shape::Rows => ShapeOp::Rows,
        Shape::Tumbling {
            keys,
            time_key,
            step_ms,
            aggs,
            having,
        } => {
            if *time_key >= keys.len() {
                return Err(bad(format!(
                    "pump {pump}: the time key {time_key} is not one of {} keys",
                    keys.len()
                )));
            }
            if *step_ms <= 0 {
                return Err(bad(format!(
                    "pump {pump}: a tumbling window of {step_ms} ms"
                )));
            }
            ShapeOp::Tumbling(Box::new(Tumbling {
                keys: keys.clone(),
                time_key: *time_key,
                step: *step_ms,
                aggs: aggs.clone(),
                having: having.clone(),
                windows: BTreeMap::new(),
                open: 0,
                distinct: 0,
                scratch: Vec::new(),
            }))
        }
        Shape::Sliding { windows, aggs } => {
            let mut wins: Vec<SWin> = Vec::new();
            for w in windows {
                match w.frame {
                    Frame::Range(ms) if ms <= 0 => {
                        return Err(bad(format!("pump {pump}: a RANGE of {ms} ms")))
                    }
                    _ => {}
                }
                wins.push(SWin {
                    partition: w.partition.clone(),
                    frame: w.frame,
                    aggs: Vec::new(),
                    parts: Vec::new(),
                    free: Vec::new(),
                    index: KeyIndex::default(),
                    fifo: VecDeque::new(),
                });
            }
            for (j, (_, w)) in aggs.iter().enumerate() {
                let win = wins
                    .get_mut(*w)
                    .ok_or_else(|| bad(format!("pump {pump}: aggregate {j} uses window {w}")))?;
                win.aggs.push(j);
            }
            let ranges = wins
                .iter()
                .filter(|w| matches!(w.frame, Frame::Range(_)))
                .count();
            let has_range = ranges > 0;
            ShapeOp::Sliding(Box::new(Sliding {
                wins,
                aggs: aggs.iter().map(|(a, _)| a.clone()).collect(),
                has_range,
                pending: Pending::default(),
                pending_t: i64::MIN,
                ranges,
                kept: 0,
                parts_open: 0,
                scratch: Vec::new(),
                aggv: Vec::new(),
            }))
        }
        Shape::Stagger {
            keys,
            range_ms,
            aggs,
            having,
        } => {
            if *range_ms <= 0 {
                return Err(bad(format!(
                    "pump {pump}: a stagger RANGE of {range_ms} ms"
                )));
            }
            ShapeOp::Stagger(Box::new(Stagger {
                keys: keys.clone(),
                range: *range_ms,
                aggs: aggs.clone(),
                having: having.clone(),
                slots: Vec::new(),
                free: Vec::new(),
                index: KeyIndex::default(),
                closes: BTreeMap::new(),
                seq: 0,
                open: 0,
                distinct: 0,
                scratch: Vec::new(),
            }))
        }
        Shape::EventTime {
            time,
            size_ms,
            slide_ms,
            delay_ms,
            keys,
            aggs,
        } => {
            if *size_ms <= 0 || *slide_ms <= 0 || *delay_ms < 0 {
                return Err(bad(format!(
                    "pump {pump}: a window of size {size_ms} ms, slide {slide_ms} ms, delay {delay_ms} ms"
                )));
            }
            if size_ms / slide_ms > 1000 {
                return Err(bad(format!(
                    "pump {pump}: each row would fall into more than 1000 windows"
                )));
            }
            ShapeOp::EventTime(Box::new(EventTime {
                time: time.clone(),
                size: *size_ms,
                slide: *slide_ms,
                delay: *delay_ms,
                keys: keys.clone(),
                aggs: aggs.clone(),
                windows: BTreeMap::new(),
                watermark: i64::MIN,
                open: 0,
                distinct: 0,
                scratch: Vec::new(),
            }))
        }
    };
    let order = match &q.order_by {
        None => None,
        Some(o) => {
            if o.width_ms <= 0 {
                return Err(bad(format!(
                    "pump {pump}: an ORDER BY bucket of {} ms",
                    o.width_ms
                )));
            }
            Some(OrderState {
                bucket: o.bucket.clone(),
                width: o.width_ms,
                keys: o.keys.iter().map(|(e, _)| e.clone()).collect(),
                desc: o.keys.iter().map(|(_, d)| *d).collect(),
                buckets: BTreeMap::new(),
                held: 0,
            })
        }
    };
    Ok(QueryOp {
        source,
        core: Core {
            pump,
            filter: q.filter.clone(),
            shape,
            em: Emitter {
                pump,
                select: q.select.clone(),
                order,
            },
        },
        tmp: Vec::new(),
    })
}
