//! Expression evaluation with SQL's NULL rules. A value that cannot be
//! computed (a failed cast, division by zero, a number out of range) is
//! NULL, and the first reason is left in the error slot for the caller to
//! report as a `RowError` event.

use std::cmp::Ordering;
use std::sync::Arc;

use super::value::{cast, cmp_sql, cmp_total, text};
use crate::analytics::plan::{BinaryOp, Expr, Func, UnaryOp};
use crate::analytics::types::Value;

/// What an expression can see.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub row: &'a [Value],
    pub rowtime: i64,
    pub keys: &'a [Value],
    pub aggs: &'a [Value],
    pub wstart: i64,
    pub wend: i64,
}

impl<'a> Ctx<'a> {
    pub fn row(row: &'a [Value], rowtime: i64) -> Ctx<'a> {
        Ctx {
            row,
            rowtime,
            keys: &[],
            aggs: &[],
            wstart: rowtime,
            wend: rowtime,
        }
    }
}

/// The first error met while evaluating one row.
pub type ErrSlot = Option<String>;

#[inline]
fn fail(err: &mut ErrSlot, msg: impl FnOnce() -> String) -> Value {
    if err.is_none() {
        *err = Some(msg());
    }
    Value::Null
}

#[inline]
pub fn truthy(v: &Value) -> bool {
    matches!(v, Value::Bool(true))
}

fn get(vals: &[Value], i: usize, what: &str, err: &mut ErrSlot) -> Value {
    match vals.get(i) {
        Some(v) => v.clone(),
        None => fail(err, || format!("{what} {i} is not available here")),
    }
}

fn finite(d: f64, err: &mut ErrSlot) -> Value {
    if d.is_finite() {
        Value::Double(d)
    } else {
        fail(err, || "the result is not a finite number".to_string())
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Double(d) => Some(*d),
        _ => None,
    }
}

fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::Double(d) if d.fract() == 0.0 && d.abs() < 9.0e18 => Some(*d as i64),
        _ => None,
    }
}

fn op_name(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
        BinaryOp::Mod => "%",
        _ => "?",
    }
}

fn overflow(err: &mut ErrSlot) -> Value {
    fail(err, || "integer overflow".to_string())
}

pub fn arith(op: BinaryOp, a: &Value, b: &Value, err: &mut ErrSlot) -> Value {
    use Value::*;
    match (a, b) {
        (Null, _) | (_, Null) => Null,
        (Int(x), Int(y)) => {
            let r = match op {
                BinaryOp::Add => x.checked_add(*y),
                BinaryOp::Sub => x.checked_sub(*y),
                BinaryOp::Mul => x.checked_mul(*y),
                BinaryOp::Div | BinaryOp::Mod if *y == 0 => {
                    return fail(err, || "division by zero".to_string())
                }
                BinaryOp::Div => x.checked_div(*y),
                BinaryOp::Mod => x.checked_rem(*y),
                _ => None,
            };
            r.map(Int).unwrap_or_else(|| overflow(err))
        }
        (Int(_) | Double(_), Int(_) | Double(_)) => {
            let (x, y) = (as_f64(a).unwrap_or(0.0), as_f64(b).unwrap_or(0.0));
            let r = match op {
                BinaryOp::Add => x + y,
                BinaryOp::Sub => x - y,
                BinaryOp::Mul => x * y,
                BinaryOp::Div | BinaryOp::Mod if y == 0.0 => {
                    return fail(err, || "division by zero".to_string())
                }
                BinaryOp::Div => x / y,
                BinaryOp::Mod => x % y,
                _ => f64::NAN,
            };
            finite(r, err)
        }
        (Ts(t), Interval(i)) => match op {
            BinaryOp::Add => t.checked_add(*i).map(Ts).unwrap_or_else(|| overflow(err)),
            BinaryOp::Sub => t.checked_sub(*i).map(Ts).unwrap_or_else(|| overflow(err)),
            _ => bad_types(op, a, b, err),
        },
        (Interval(i), Ts(t)) if op == BinaryOp::Add => {
            t.checked_add(*i).map(Ts).unwrap_or_else(|| overflow(err))
        }
        (Ts(x), Ts(y)) if op == BinaryOp::Sub => x
            .checked_sub(*y)
            .map(Interval)
            .unwrap_or_else(|| overflow(err)),
        (Interval(x), Interval(y)) => match op {
            BinaryOp::Add => x
                .checked_add(*y)
                .map(Interval)
                .unwrap_or_else(|| overflow(err)),
            BinaryOp::Sub => x
                .checked_sub(*y)
                .map(Interval)
                .unwrap_or_else(|| overflow(err)),
            BinaryOp::Div if *y == 0 => fail(err, || "division by zero".to_string()),
            BinaryOp::Div => Double(*x as f64 / *y as f64),
            _ => bad_types(op, a, b, err),
        },
        (Interval(x), Int(_) | Double(_)) | (Int(_) | Double(_), Interval(x)) => {
            let n = if matches!(a, Interval(_)) {
                as_f64(b)
            } else {
                as_f64(a)
            }
            .unwrap_or(0.0);
            let r = match op {
                BinaryOp::Mul => *x as f64 * n,
                BinaryOp::Div if matches!(a, Interval(_)) => {
                    if n == 0.0 {
                        return fail(err, || "division by zero".to_string());
                    }
                    *x as f64 / n
                }
                _ => return bad_types(op, a, b, err),
            };
            if r.is_finite() && r.abs() < 9.0e18 {
                Interval(r.round() as i64)
            } else {
                overflow(err)
            }
        }
        _ => bad_types(op, a, b, err),
    }
}

fn bad_types(op: BinaryOp, a: &Value, b: &Value, err: &mut ErrSlot) -> Value {
    fail(err, || {
        format!("cannot compute {} {} {}", text(a), op_name(op), text(b))
    })
}

fn cmp_op(op: BinaryOp, a: &Value, b: &Value) -> Value {
    match cmp_sql(a, b) {
        None => Value::Null,
        Some(o) => Value::Bool(match op {
            BinaryOp::Eq => o == Ordering::Equal,
            BinaryOp::NotEq => o != Ordering::Equal,
            BinaryOp::Lt => o == Ordering::Less,
            BinaryOp::LtEq => o != Ordering::Greater,
            BinaryOp::Gt => o == Ordering::Greater,
            BinaryOp::GtEq => o != Ordering::Less,
            _ => false,
        }),
    }
}

/// SQL `=`: None when unknown.
fn sql_eq(a: &Value, b: &Value) -> Option<bool> {
    cmp_sql(a, b).map(|o| o == Ordering::Equal)
}

fn three(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        _ => None,
    }
}

fn from3(v: Option<bool>) -> Value {
    v.map(Value::Bool).unwrap_or(Value::Null)
}

fn not3(v: Value) -> Value {
    match v {
        Value::Bool(b) => Value::Bool(!b),
        _ => Value::Null,
    }
}

/// `%` any run, `_` one character; no escape character.
pub fn like(s: &str, p: &str) -> bool {
    let s: Vec<char> = s.chars().collect();
    let p: Vec<char> = p.chars().collect();
    let (mut i, mut j) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        if j < p.len() && (p[j] == '_' || (p[j] != '%' && p[j] == s[i])) {
            i += 1;
            j += 1;
        } else if j < p.len() && p[j] == '%' {
            star = Some((j, i));
            j += 1;
        } else if let Some((sj, si)) = star {
            j = sj + 1;
            i = si + 1;
            star = Some((sj, si + 1));
        } else {
            return false;
        }
    }
    while j < p.len() && p[j] == '%' {
        j += 1;
    }
    j == p.len()
}

fn s_arg(v: &Value) -> Option<&str> {
    match v {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

fn floor_to(v: Value, unit: i64, ceil: bool, err: &mut ErrSlot) -> Value {
    let f = |t: i64| -> Option<i64> {
        let fl = t.div_euclid(unit).checked_mul(unit)?;
        if ceil && fl != t {
            fl.checked_add(unit)
        } else {
            Some(fl)
        }
    };
    match v {
        Value::Null => Value::Null,
        Value::Ts(t) => f(t).map(Value::Ts).unwrap_or_else(|| overflow(err)),
        Value::Int(t) => f(t).map(Value::Int).unwrap_or_else(|| overflow(err)),
        other => fail(err, || {
            format!("cannot round {} to a time unit", text(&other))
        }),
    }
}

/// Evaluates `e`. Recursion depth is the expression's depth, which the
/// engine checks when it takes the plan.
pub fn eval(e: &Expr, cx: &Ctx, err: &mut ErrSlot) -> Value {
    match e {
        Expr::Col(i) => match cx.row.get(*i) {
            Some(v) => v.clone(),
            None => fail(err, || format!("column {i} is not available here")),
        },
        Expr::RowTime => Value::Ts(cx.rowtime),
        Expr::Lit(v) => v.clone(),
        Expr::Key(i) => get(cx.keys, *i, "group key", err),
        Expr::Agg(i) => get(cx.aggs, *i, "aggregate", err),
        Expr::WindowStart => Value::Ts(cx.wstart),
        Expr::WindowEnd => Value::Ts(cx.wend),
        Expr::Unary(op, x) => {
            let v = eval(x, cx, err);
            match op {
                UnaryOp::Not => not3(v),
                UnaryOp::Neg => match v {
                    Value::Null => Value::Null,
                    Value::Int(i) => i
                        .checked_neg()
                        .map(Value::Int)
                        .unwrap_or_else(|| overflow(err)),
                    Value::Double(d) => Value::Double(-d),
                    Value::Interval(i) => i
                        .checked_neg()
                        .map(Value::Interval)
                        .unwrap_or_else(|| overflow(err)),
                    other => fail(err, || format!("cannot negate {}", text(&other))),
                },
            }
        }
        Expr::Binary(op, a, b) => match op {
            BinaryOp::And => {
                let x = three(&eval(a, cx, err));
                if x == Some(false) {
                    return Value::Bool(false);
                }
                let y = three(&eval(b, cx, err));
                match (x, y) {
                    (_, Some(false)) => Value::Bool(false),
                    (Some(true), Some(true)) => Value::Bool(true),
                    _ => Value::Null,
                }
            }
            BinaryOp::Or => {
                let x = three(&eval(a, cx, err));
                if x == Some(true) {
                    return Value::Bool(true);
                }
                let y = three(&eval(b, cx, err));
                match (x, y) {
                    (_, Some(true)) => Value::Bool(true),
                    (Some(false), Some(false)) => Value::Bool(false),
                    _ => Value::Null,
                }
            }
            _ => {
                let x = eval(a, cx, err);
                let y = eval(b, cx, err);
                match op {
                    BinaryOp::Add
                    | BinaryOp::Sub
                    | BinaryOp::Mul
                    | BinaryOp::Div
                    | BinaryOp::Mod => arith(*op, &x, &y, err),
                    BinaryOp::Concat => match (&x, &y) {
                        (Value::Null, _) | (_, Value::Null) => Value::Null,
                        _ => {
                            let mut s = text(&x);
                            s.push_str(&text(&y));
                            Value::Str(Arc::from(s))
                        }
                    },
                    BinaryOp::Distinct | BinaryOp::NotDistinct => {
                        let same = match (&x, &y) {
                            (Value::Null, Value::Null) => true,
                            (Value::Null, _) | (_, Value::Null) => false,
                            _ => sql_eq(&x, &y).unwrap_or(false),
                        };
                        Value::Bool(same == (*op == BinaryOp::NotDistinct))
                    }
                    _ => cmp_op(*op, &x, &y),
                }
            }
        },
        Expr::Case {
            operand,
            whens,
            otherwise,
        } => {
            let op = operand.as_ref().map(|o| eval(o, cx, err));
            for (w, r) in whens {
                let c = eval(w, cx, err);
                let hit = match &op {
                    Some(o) => sql_eq(o, &c) == Some(true),
                    None => truthy(&c),
                };
                if hit {
                    return eval(r, cx, err);
                }
            }
            match otherwise {
                Some(x) => eval(x, cx, err),
                None => Value::Null,
            }
        }
        Expr::Cast(x, ty) => {
            let v = eval(x, cx, err);
            match cast(v, *ty) {
                Ok(v) => v,
                Err(m) => fail(err, || m),
            }
        }
        Expr::IsNull { expr, negated } => {
            Value::Bool(matches!(eval(expr, cx, err), Value::Null) != *negated)
        }
        Expr::Between {
            expr,
            low,
            high,
            negated,
        } => {
            let v = eval(expr, cx, err);
            let lo = eval(low, cx, err);
            let hi = eval(high, cx, err);
            let a = three(&cmp_op(BinaryOp::GtEq, &v, &lo));
            let b = three(&cmp_op(BinaryOp::LtEq, &v, &hi));
            let r = match (a, b) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            };
            let r = from3(r);
            if *negated {
                not3(r)
            } else {
                r
            }
        }
        Expr::InList {
            expr,
            list,
            negated,
        } => {
            let v = eval(expr, cx, err);
            let mut unknown = matches!(v, Value::Null);
            let mut found = false;
            if !unknown {
                for x in list {
                    match sql_eq(&v, &eval(x, cx, err)) {
                        Some(true) => {
                            found = true;
                            break;
                        }
                        Some(false) => {}
                        None => unknown = true,
                    }
                }
            }
            let r = if found {
                Value::Bool(true)
            } else if unknown {
                Value::Null
            } else {
                Value::Bool(false)
            };
            if *negated {
                not3(r)
            } else {
                r
            }
        }
        Expr::Like {
            expr,
            pattern,
            negated,
        } => {
            let v = eval(expr, cx, err);
            let p = eval(pattern, cx, err);
            match (&v, &p) {
                (Value::Null, _) | (_, Value::Null) => Value::Null,
                (Value::Str(s), Value::Str(p)) => Value::Bool(like(s, p) != *negated),
                _ => fail(err, || "LIKE needs strings".to_string()),
            }
        }
        Expr::Call(f, args) => call(*f, args, cx, err),
        Expr::FloorTo(x, unit) => floor_to(eval(x, cx, err), unit.ms(), false, err),
        Expr::CeilTo(x, unit) => floor_to(eval(x, cx, err), unit.ms(), true, err),
        Expr::Step(x, ms) => {
            if *ms <= 0 {
                return fail(err, || "STEP needs a positive interval".to_string());
            }
            match eval(x, cx, err) {
                Value::Double(d) => finite((d / *ms as f64).floor() * *ms as f64, err),
                v => floor_to(v, *ms, false, err),
            }
        }
    }
}

fn call(f: Func, args: &[Expr], cx: &Ctx, err: &mut ErrSlot) -> Value {
    // Functions that don't evaluate every argument first.
    match f {
        Func::Coalesce => {
            for a in args {
                let v = eval(a, cx, err);
                if !matches!(v, Value::Null) {
                    return v;
                }
            }
            return Value::Null;
        }
        Func::CurrentRowTimestamp => return Value::Ts(cx.rowtime),
        _ => {}
    }
    let mut vals: [Value; 3] = [Value::Null, Value::Null, Value::Null];
    if args.len() > 3 {
        return fail(err, || "too many arguments".to_string());
    }
    for (i, a) in args.iter().enumerate() {
        vals[i] = eval(a, cx, err);
    }
    let n = args.len();
    let need = |k: std::ops::RangeInclusive<usize>, err: &mut ErrSlot| -> bool {
        if k.contains(&n) {
            true
        } else {
            fail(err, || {
                format!("{f:?} takes {}..={} arguments, not {n}", k.start(), k.end())
            });
            false
        }
    };
    let [a, b, c] = vals;
    match f {
        Func::Monotonic => {
            if need(1..=1, err) {
                a
            } else {
                Value::Null
            }
        }
        Func::NullIf => {
            if !need(2..=2, err) {
                return Value::Null;
            }
            if sql_eq(&a, &b) == Some(true) {
                Value::Null
            } else {
                a
            }
        }
        _ if !need(1..=3, err) => Value::Null,
        _ if matches!(a, Value::Null) => Value::Null,
        Func::Abs => match a {
            Value::Int(i) => i
                .checked_abs()
                .map(Value::Int)
                .unwrap_or_else(|| overflow(err)),
            Value::Double(d) => Value::Double(d.abs()),
            Value::Interval(i) => i
                .checked_abs()
                .map(Value::Interval)
                .unwrap_or_else(|| overflow(err)),
            other => fail(err, || format!("ABS of {}", text(&other))),
        },
        Func::Mod => arith(BinaryOp::Mod, &a, &b, err),
        Func::Floor | Func::Ceil => match a {
            Value::Int(_) => a,
            Value::Double(d) => Value::Double(if f == Func::Floor {
                d.floor()
            } else {
                d.ceil()
            }),
            other => fail(err, || format!("{f:?} of {}", text(&other))),
        },
        Func::Round => {
            let places = if n >= 2 {
                match as_i64(&b) {
                    Some(p) => p.clamp(-18, 18),
                    None => {
                        return if matches!(b, Value::Null) {
                            Value::Null
                        } else {
                            fail(err, || "ROUND needs an integer number of places".into())
                        }
                    }
                }
            } else {
                0
            };
            match a {
                Value::Int(i) if places >= 0 => Value::Int(i),
                Value::Int(i) => {
                    let p = 10i64.pow((-places) as u32);
                    let r = (i as f64 / p as f64).round() * p as f64;
                    match super::value::cast(
                        Value::Double(r),
                        crate::analytics::types::SqlType::BigInt,
                    ) {
                        Ok(v) => v,
                        Err(_) => overflow(err),
                    }
                }
                Value::Double(d) => {
                    let p = 10f64.powi(places as i32);
                    finite((d * p).round() / p, err)
                }
                other => fail(err, || format!("ROUND of {}", text(&other))),
            }
        }
        Func::Power | Func::Sqrt | Func::Ln | Func::Exp => {
            let Some(x) = as_f64(&a) else {
                return fail(err, || format!("{f:?} of {}", text(&a)));
            };
            let r = match f {
                Func::Power => match as_f64(&b) {
                    Some(y) => x.powf(y),
                    None => {
                        return if matches!(b, Value::Null) {
                            Value::Null
                        } else {
                            fail(err, || format!("POWER of {}", text(&b)))
                        }
                    }
                },
                Func::Sqrt if x < 0.0 => {
                    return fail(err, || format!("SQRT of a negative number ({x})"))
                }
                Func::Sqrt => x.sqrt(),
                Func::Ln if x <= 0.0 => {
                    return fail(err, || format!("LN of {x}, which is not positive"))
                }
                Func::Ln => x.ln(),
                _ => x.exp(),
            };
            finite(r, err)
        }
        Func::Upper | Func::Lower | Func::CharLength => match s_arg(&a) {
            Some(s) => match f {
                Func::Upper => Value::Str(Arc::from(s.to_uppercase())),
                Func::Lower => Value::Str(Arc::from(s.to_lowercase())),
                _ => Value::Int(s.chars().count() as i64),
            },
            None => fail(err, || format!("{f:?} needs a string, not {}", text(&a))),
        },
        Func::TrimBoth | Func::TrimLeading | Func::TrimTrailing => {
            let chars: Vec<char> = match &b {
                Value::Null if n >= 2 => return Value::Null,
                Value::Str(c) => c.chars().collect(),
                _ => vec![' '],
            };
            let Some(s) = s_arg(&a) else {
                return fail(err, || format!("TRIM needs a string, not {}", text(&a)));
            };
            let t = match f {
                Func::TrimBoth => s.trim_matches(chars.as_slice()),
                Func::TrimLeading => s.trim_start_matches(chars.as_slice()),
                _ => s.trim_end_matches(chars.as_slice()),
            };
            if t.len() == s.len() {
                a
            } else {
                Value::Str(Arc::from(t))
            }
        }
        Func::Substring => {
            let Some(s) = s_arg(&a) else {
                return fail(err, || {
                    format!("SUBSTRING needs a string, not {}", text(&a))
                });
            };
            let Some(start) = as_i64(&b) else {
                return if matches!(b, Value::Null) {
                    Value::Null
                } else {
                    fail(err, || "SUBSTRING needs an integer start".into())
                };
            };
            let end = if n >= 3 {
                match as_i64(&c) {
                    Some(l) if l < 0 => {
                        return fail(err, || format!("SUBSTRING length {l} is negative"))
                    }
                    Some(l) => start.saturating_add(l),
                    None => {
                        return if matches!(c, Value::Null) {
                            Value::Null
                        } else {
                            fail(err, || "SUBSTRING needs an integer length".into())
                        }
                    }
                }
            } else {
                i64::MAX
            };
            let out: String = s
                .chars()
                .enumerate()
                .filter(|(i, _)| {
                    let pos = *i as i64 + 1;
                    pos >= start && pos < end
                })
                .map(|(_, ch)| ch)
                .collect();
            Value::Str(Arc::from(out))
        }
        Func::Position => match (&a, &b) {
            (_, Value::Null) => Value::Null,
            (Value::Str(needle), Value::Str(hay)) => match hay.find(needle.as_ref()) {
                Some(byte) => Value::Int(hay[..byte].chars().count() as i64 + 1),
                None => Value::Int(0),
            },
            _ => fail(err, || "POSITION needs strings".to_string()),
        },
        Func::Coalesce | Func::CurrentRowTimestamp => Value::Null,
    }
}

/// Compares two output rows by ORDER BY keys.
pub fn cmp_keys(a: &[Value], b: &[Value], desc: &[bool]) -> Ordering {
    for (i, d) in desc.iter().enumerate() {
        let (x, y) = (
            a.get(i).unwrap_or(&Value::Null),
            b.get(i).unwrap_or(&Value::Null),
        );
        let o = cmp_total(x, y);
        let o = if *d { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        assert!(like("AMZN", "A%"));
        assert!(like("AMZN", "%N"));
        assert!(like("AMZN", "_MZ_"));
        assert!(!like("AMZN", "_MZ"));
        assert!(like("", "%"));
        assert!(like("a%b", "a%b"));
        assert!(like("abcabc", "%bc%c"));
        assert!(!like("abc", "%d%"));
    }
}
