//! Parsed statements → [`Plan`]: name resolution, types, the shape of each
//! query and the rules AWS documents for streaming SQL.

use sqlparser::ast::{
    self as ast, BinaryOperator, CeilFloorKind, DataType, DateTimeField, FunctionArg,
    FunctionArgExpr, FunctionArguments, GroupByExpr, JoinConstraint, JoinOperator, NamedWindowExpr,
    ObjectName, SelectItem, SetExpr, Spanned, Statement, TableFactor, UnaryOperator,
    WindowFrameBound, WindowFrameUnits, WindowType,
};
use sqlparser::tokenizer::Token;

use super::dialect::KdaDialect;
use super::parse::{Parsed, ParsedStmt};
use super::rewrite::EditKind;
use super::text::span_of;
use crate::analytics::error::{Span, SqlError, SqlErrorKind};
use crate::analytics::plan::{
    Agg, AggFunc, BinaryOp, Expr, Frame, From, Func, Join, OrderBy, Plan, Pump, Query, Shape,
    StreamDef, StreamId, StreamKind, TableDef, TableFn, TimeUnit, UnaryOp, Window,
};
use crate::analytics::types::{ColumnDef, Schema, SqlType, Value};
use crate::analytics::{ARRIVAL_COLUMN, SOURCE_STREAM};

/// Deeper expressions than this are refused (the parser's own guard does
/// not count left-nested operator chains such as `a + a + a + …`).
const MAX_DEPTH: usize = 128;

/// A query's shape, select list, output names and types.
type Selected = (Shape, Vec<Expr>, Vec<String>, Vec<SqlType>);
/// Errors are boxed: a `SqlError` is large and results travel the recursion.
type R<T> = Result<T, Box<SqlError>>;
/// A type; `None` is the type of the NULL literal (fits anything).
type Ty = Option<SqlType>;

/// Folds a name as KDA does: unquoted → upper case, quoted → as written.
pub fn fold(id: &ast::Ident) -> String {
    if id.quote_style.is_some() {
        id.value.clone()
    } else {
        id.value.to_ascii_uppercase()
    }
}

fn fold_object(name: &ObjectName) -> Vec<String> {
    name.0
        .iter()
        .map(|p| p.as_ident().map(fold).unwrap_or_else(|| p.to_string()))
        .collect()
}

/// The implicit output stream of the `n`-th bare SELECT (1-based).
pub fn implicit_stream_name(n: usize) -> String {
    if n <= 1 {
        "(query)".to_string()
    } else {
        format!("(query {n})")
    }
}

pub fn compile(
    parsed: &Parsed,
    input: &Schema,
    tables: &[TableDef],
) -> Result<Plan, Vec<SqlError>> {
    let mut c = Compiler {
        p: parsed,
        ref_tables: tables,
        streams: Vec::new(),
        flink: Vec::new(),
        tables: Vec::new(),
        pumps: Vec::new(),
        warnings: Vec::new(),
        errors: Vec::new(),
        stmt_span: Span::default(),
        stmt_start: 0,
        stmt_index: 0,
    };
    let mut columns = input.columns.clone();
    columns.push(ColumnDef {
        name: ARRIVAL_COLUMN.into(),
        ty: SqlType::Timestamp,
    });
    c.streams.push(StreamDef {
        name: SOURCE_STREAM.into(),
        columns,
        kind: StreamKind::Input,
        span: Span::default(),
    });
    c.run();
    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    let pumps = c.order_pumps().map_err(|e| vec![*e])?;
    Ok(Plan {
        streams: c.streams,
        tables: c.tables,
        pumps,
        warnings: c.warnings,
    })
}

struct FlinkTable {
    stream: StreamId,
    /// (event-time column, delay in ms) from `WATERMARK FOR col AS col - INTERVAL …`.
    watermark: Option<(String, i64)>,
    span: Span,
    /// Each column's span (errors about feeding it from the input point there).
    col_spans: Vec<Span>,
}

struct Compiler<'a> {
    p: &'a Parsed,
    ref_tables: &'a [TableDef],
    streams: Vec<StreamDef>,
    flink: Vec<FlinkTable>,
    tables: Vec<TableDef>,
    /// Pumps in declaration order with the streams each reads.
    pumps: Vec<(Pump, Vec<StreamId>)>,
    warnings: Vec<SqlError>,
    errors: Vec<SqlError>,
    stmt_span: Span,
    stmt_start: usize,
    stmt_index: usize,
}

/// A stream, table or subquery in FROM, as seen by names.
#[derive(Clone, Debug)]
struct Rel {
    /// Names that qualify its columns (stream name, alias).
    names: Vec<String>,
    cols: Vec<(String, SqlType)>,
    /// Index of its first column in the row.
    offset: usize,
    /// Whether `name.ROWTIME` refers to the row's ROWTIME.
    rowtime: bool,
    /// Whether it is a Flink TUMBLE/HOP (window_start, window_end, window_time).
    flink: bool,
}

#[derive(Clone, Debug, Default)]
struct Scope {
    rels: Vec<Rel>,
}

/// Why aggregates are not allowed in a row expression.
#[derive(Clone, Copy, Debug, PartialEq)]
enum RowWhy {
    Where,
    AggArg,
    Key,
    Plain,
}

enum Mode<'m> {
    /// Over the input row, no aggregates.
    Row(RowWhy),
    /// A select list without GROUP BY: aggregates need OVER (then the query is sliding).
    Free {
        named: &'m [ast::NamedWindowDefinition],
        windows: Vec<(Window, Span)>,
        aggs: Vec<(Agg, usize)>,
    },
    /// A grouped select list or HAVING: keys, aggregates, ROWTIME (window end).
    Grouped {
        keys: Vec<Expr>,
        aggs: Vec<Agg>,
        flink: bool,
    },
}

struct Cx<'s, 'm> {
    scope: &'s Scope,
    mode: Mode<'m>,
    /// The ROWTIME-equivalent in grouped flink queries is not available.
    depth: usize,
}

struct Flink {
    stream: StreamId,
    time: Expr,
    size_ms: i64,
    slide_ms: i64,
    delay_ms: i64,
}

fn err(span: Span, kind: SqlErrorKind) -> Box<SqlError> {
    Box::new(SqlError { span, kind })
}

fn is_numeric(t: SqlType) -> bool {
    matches!(
        t,
        SqlType::TinyInt
            | SqlType::SmallInt
            | SqlType::Integer
            | SqlType::BigInt
            | SqlType::Real
            | SqlType::Double
            | SqlType::Decimal { .. }
    )
}

fn is_integer(t: SqlType) -> bool {
    matches!(
        t,
        SqlType::TinyInt | SqlType::SmallInt | SqlType::Integer | SqlType::BigInt
    )
}

fn is_string(t: SqlType) -> bool {
    matches!(t, SqlType::Char(_) | SqlType::Varchar(_))
}

/// The class of a type, for compatibility checks.
fn class(t: SqlType) -> u8 {
    match t {
        _ if is_numeric(t) => 0,
        _ if is_string(t) => 1,
        SqlType::Timestamp => 2,
        SqlType::Interval => 3,
        SqlType::Boolean => 4,
        _ => 5,
    }
}

fn class_name(t: SqlType) -> &'static str {
    match class(t) {
        0 => "a number",
        1 => "a string (VARCHAR)",
        2 => "a TIMESTAMP",
        3 => "an INTERVAL",
        _ => "a BOOLEAN",
    }
}

/// SQL spelling of a type.
pub fn type_name(t: Ty) -> String {
    t.map_or_else(|| "NULL".into(), |t| t.to_string())
}

/// The common type of two (for CASE, COALESCE, arithmetic on numbers).
fn unify(a: Ty, b: Ty) -> Option<Ty> {
    match (a, b) {
        (None, x) | (x, None) => Some(x),
        (Some(a), Some(b)) if a == b => Some(Some(a)),
        (Some(a), Some(b)) if is_numeric(a) && is_numeric(b) => Some(Some(wider(a, b))),
        (Some(a), Some(b)) if is_string(a) && is_string(b) => {
            Some(Some(SqlType::Varchar(len(a).max(len(b)))))
        }
        _ => None,
    }
}

fn len(t: SqlType) -> u32 {
    match t {
        SqlType::Char(n) | SqlType::Varchar(n) => n,
        _ => 0,
    }
}

fn wider(a: SqlType, b: SqlType) -> SqlType {
    let rank = |t: SqlType| match t {
        SqlType::TinyInt => 0,
        SqlType::SmallInt => 1,
        SqlType::Integer => 2,
        SqlType::BigInt => 3,
        SqlType::Decimal { .. } => 4,
        SqlType::Real => 5,
        _ => 6,
    };
    if rank(a) >= rank(b) {
        a
    } else {
        b
    }
}

/// Whether a value of type `from` may be written into a column of type `to`.
fn assignable(from: Ty, to: SqlType) -> bool {
    match from {
        None => true,
        Some(f) => class(f) == class(to),
    }
}

fn comparable(a: Ty, b: Ty) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => class(a) == class(b),
        _ => true,
    }
}

pub fn sql_type(dt: &DataType) -> Option<SqlType> {
    use ast::{CharacterLength, ExactNumberInfo};
    let chars = |l: &Option<CharacterLength>, default: u32| match l {
        Some(CharacterLength::IntegerLength { length, .. }) => {
            (*length).min(u32::MAX as u64) as u32
        }
        Some(CharacterLength::Max) => u32::MAX,
        None => default,
    };
    Some(match dt {
        DataType::Boolean | DataType::Bool => SqlType::Boolean,
        DataType::TinyInt(_) => SqlType::TinyInt,
        DataType::SmallInt(_) | DataType::Int2(_) => SqlType::SmallInt,
        DataType::Int(_) | DataType::Integer(_) | DataType::Int4(_) => SqlType::Integer,
        DataType::BigInt(_) | DataType::Int8(_) => SqlType::BigInt,
        DataType::Real | DataType::Float4 => SqlType::Real,
        DataType::Float(_) | DataType::Double(_) | DataType::DoublePrecision | DataType::Float8 => {
            SqlType::Double
        }
        DataType::Decimal(info) | DataType::Numeric(info) | DataType::Dec(info) => {
            let (p, s) = match info {
                ExactNumberInfo::None => (18, 0),
                ExactNumberInfo::Precision(p) => (*p, 0),
                ExactNumberInfo::PrecisionAndScale(p, s) => (*p, (*s).max(0) as u64),
            };
            SqlType::Decimal {
                precision: p.min(255) as u8,
                scale: s.min(255) as u8,
            }
        }
        DataType::Char(l) | DataType::Character(l) => SqlType::Char(chars(l, 1)),
        DataType::Varchar(l) | DataType::CharVarying(l) | DataType::CharacterVarying(l) => {
            SqlType::Varchar(chars(l, u32::MAX))
        }
        DataType::String(_) | DataType::Text => SqlType::Varchar(u32::MAX),
        DataType::Timestamp(_, _) => SqlType::Timestamp,
        DataType::Interval { .. } => SqlType::Interval,
        _ => return None,
    })
}

fn time_unit(f: &DateTimeField) -> Option<TimeUnit> {
    Some(match f {
        DateTimeField::Second | DateTimeField::Seconds => TimeUnit::Second,
        DateTimeField::Minute | DateTimeField::Minutes => TimeUnit::Minute,
        DateTimeField::Hour | DateTimeField::Hours => TimeUnit::Hour,
        DateTimeField::Day | DateTimeField::Days => TimeUnit::Day,
        _ => return None,
    })
}

fn field_ms(f: &DateTimeField) -> Option<i64> {
    match f {
        DateTimeField::Millisecond | DateTimeField::Milliseconds => Some(1),
        DateTimeField::Week(_) | DateTimeField::Weeks => Some(7 * 86_400_000),
        other => time_unit(other).map(TimeUnit::ms),
    }
}

/// `INTERVAL '<n>' unit` (also `'m:s' MINUTE TO SECOND` and the like) in ms.
fn interval_ms(iv: &ast::Interval) -> Option<i64> {
    let (text, neg) = match iv.value.as_ref() {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::SingleQuotedString(s) => (s.trim().to_string(), false),
            ast::Value::Number(n, _) => (n.clone(), false),
            _ => return None,
        },
        ast::Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => match expr.as_ref() {
            ast::Expr::Value(v) => match &v.value {
                ast::Value::SingleQuotedString(s) | ast::Value::Number(s, _) => {
                    (s.trim().to_string(), true)
                }
                _ => return None,
            },
            _ => return None,
        },
        _ => return None,
    };
    let (text, neg) = match text.strip_prefix('-') {
        Some(t) => (t.to_string(), !neg),
        None => (text, neg),
    };
    let lead = field_ms(iv.leading_field.as_ref().unwrap_or(&DateTimeField::Second))?;
    let ms = match &iv.last_field {
        None => {
            let v: f64 = text.parse().ok()?;
            if !v.is_finite() {
                return None;
            }
            (v * lead as f64).round() as i64
        }
        Some(last) => {
            // 'a:b[:c]' from the leading field down to the last one.
            let last = field_ms(last)?;
            let parts: Vec<&str> = text.split([':', ' ']).collect();
            let mut units = vec![lead];
            while *units.last()? > last {
                let u = *units.last()?;
                units.push(match u {
                    86_400_000 => 3_600_000,
                    3_600_000 => 60_000,
                    60_000 => 1_000,
                    _ => return None,
                });
            }
            if parts.len() != units.len() {
                return None;
            }
            let mut total = 0i64;
            for (p, u) in parts.iter().zip(units) {
                let v: f64 = p.parse().ok()?;
                total = total.checked_add((v * u as f64).round() as i64)?;
            }
            total
        }
    };
    Some(if neg { -ms } else { ms })
}

/// `YYYY-MM-DD[ T]HH:MM:SS[.fff]` (UTC) in ms since the epoch.
fn parse_timestamp(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, time) = match s.split_once([' ', 'T']) {
        Some((d, t)) => (d, t.trim_end_matches('Z')),
        None => (s, "00:00:00"),
    };
    let mut d = date.split('-');
    let y: i64 = d.next()?.parse().ok()?;
    let m: i64 = d.next()?.parse().ok()?;
    let day: i64 = d.next()?.parse().ok()?;
    if d.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return None;
    }
    let mut t = time.split(':');
    let h: i64 = t.next()?.parse().ok()?;
    let mi: i64 = t.next().unwrap_or("0").parse().ok()?;
    let sec: f64 = t.next().unwrap_or("0").parse().ok()?;
    if t.next().is_some()
        || !(0..24).contains(&h)
        || !(0..60).contains(&mi)
        || !(0.0..61.0).contains(&sec)
    {
        return None;
    }
    let days = crate::calendar::days_from_civil(y, m, day);
    Some(days * 86_400_000 + h * 3_600_000 + mi * 60_000 + (sec * 1000.0).round() as i64)
}

/// If `e` is monotonic in ROWTIME, the width of its buckets in ms.
fn monotonic(e: &Expr) -> Option<i64> {
    match e {
        Expr::RowTime => Some(1),
        Expr::Step(x, ms) => monotonic(x).map(|_| *ms),
        Expr::FloorTo(x, u) | Expr::CeilTo(x, u) => monotonic(x).map(|_| u.ms()),
        Expr::Binary(BinaryOp::Add | BinaryOp::Sub, x, k) if matches!(**k, Expr::Lit(_)) => {
            monotonic(x)
        }
        Expr::Binary(BinaryOp::Add, k, x) if matches!(**k, Expr::Lit(_)) => monotonic(x),
        Expr::Cast(x, SqlType::Timestamp) => monotonic(x),
        Expr::Call(Func::Monotonic, args) => Some(args.first().and_then(monotonic).unwrap_or(1)),
        _ => None,
    }
}

fn uses_col(e: &Expr, pred: &dyn Fn(usize) -> bool) -> bool {
    match e {
        Expr::Col(i) => pred(*i),
        Expr::Unary(_, a)
        | Expr::Cast(a, _)
        | Expr::FloorTo(a, _)
        | Expr::CeilTo(a, _)
        | Expr::Step(a, _) => uses_col(a, pred),
        Expr::IsNull { expr, .. } => uses_col(expr, pred),
        Expr::Binary(_, a, b) => uses_col(a, pred) || uses_col(b, pred),
        Expr::Like { expr, pattern, .. } => uses_col(expr, pred) || uses_col(pattern, pred),
        Expr::Between {
            expr, low, high, ..
        } => uses_col(expr, pred) || uses_col(low, pred) || uses_col(high, pred),
        Expr::InList { expr, list, .. } => {
            uses_col(expr, pred) || list.iter().any(|x| uses_col(x, pred))
        }
        Expr::Call(_, args) => args.iter().any(|x| uses_col(x, pred)),
        Expr::Case {
            operand,
            whens,
            otherwise,
        } => {
            operand.as_deref().is_some_and(|x| uses_col(x, pred))
                || whens
                    .iter()
                    .any(|(a, b)| uses_col(a, pred) || uses_col(b, pred))
                || otherwise.as_deref().is_some_and(|x| uses_col(x, pred))
        }
        _ => false,
    }
}

const AGGREGATES: [&str; 5] = ["COUNT", "SUM", "AVG", "MIN", "MAX"];

fn func_name(f: &ast::Function) -> String {
    fold_object(&f.name)
        .last()
        .cloned()
        .unwrap_or_default()
        .to_ascii_uppercase()
}

/// Whether an aggregate call (without OVER) appears in `e`.
fn has_aggregate(e: &ast::Expr, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let d = depth + 1;
    match e {
        ast::Expr::Function(f) => {
            (f.over.is_none() && AGGREGATES.contains(&func_name(f).as_str()))
                || match &f.args {
                    FunctionArguments::List(l) => l.args.iter().any(|a| match a {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(x))
                        | FunctionArg::Named {
                            arg: FunctionArgExpr::Expr(x),
                            ..
                        } => has_aggregate(x, d),
                        _ => false,
                    }),
                    _ => false,
                }
        }
        ast::Expr::BinaryOp { left, right, .. } => {
            has_aggregate(left, d) || has_aggregate(right, d)
        }
        ast::Expr::UnaryOp { expr, .. }
        | ast::Expr::Nested(expr)
        | ast::Expr::Cast { expr, .. }
        | ast::Expr::IsNull(expr)
        | ast::Expr::IsNotNull(expr)
        | ast::Expr::Floor { expr, .. }
        | ast::Expr::Ceil { expr, .. } => has_aggregate(expr, d),
        ast::Expr::IsDistinctFrom(a, b) | ast::Expr::IsNotDistinctFrom(a, b) => {
            has_aggregate(a, d) || has_aggregate(b, d)
        }
        ast::Expr::Between {
            expr, low, high, ..
        } => has_aggregate(expr, d) || has_aggregate(low, d) || has_aggregate(high, d),
        ast::Expr::Like { expr, pattern, .. } => {
            has_aggregate(expr, d) || has_aggregate(pattern, d)
        }
        ast::Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            operand.as_deref().is_some_and(|x| has_aggregate(x, d))
                || conditions
                    .iter()
                    .any(|w| has_aggregate(&w.condition, d) || has_aggregate(&w.result, d))
                || else_result.as_deref().is_some_and(|x| has_aggregate(x, d))
        }
        ast::Expr::In {
            expr,
            target: ast::InTarget::List(l),
            ..
        } => has_aggregate(expr, d) || l.iter().any(|x| has_aggregate(x, d)),
        _ => false,
    }
}

impl<'a> Compiler<'a> {
    fn text(&self) -> &str {
        &self.p.text
    }

    fn span_bytes(&self, a: usize, b: usize) -> Span {
        self.p.lines.span(self.text(), a, b)
    }

    fn offset(&self, pos: crate::analytics::error::Pos) -> usize {
        self.p
            .lines
            .offset(self.text(), pos.line as u64, pos.column as u64)
    }

    /// The span of an AST node, or the statement's when sqlparser has none.
    fn sp(&self, s: sqlparser::tokenizer::Span) -> Span {
        span_of(s).unwrap_or(self.stmt_span)
    }

    /// Index of the first significant token starting at or after byte `at`.
    fn tok_at(&self, at: usize) -> usize {
        self.p.tokens.partition_point(|t| t.1 < at)
    }

    /// From token `i` (an opening paren or before one), the index of the
    /// token that closes the parenthesis opened at or after `i`.
    fn close_paren(&self, i: usize) -> Option<usize> {
        let toks = &self.p.tokens;
        let mut depth = 0i32;
        let mut j = i;
        while j < toks.len() {
            match toks[j].0 {
                Token::LParen => depth += 1,
                Token::RParen => {
                    depth -= 1;
                    if depth <= 0 {
                        return Some(j);
                    }
                }
                _ => {}
            }
            j += 1;
        }
        None
    }

    /// A span widened to close its parentheses, and to include `OVER w` /
    /// `OVER (…)` when it follows (sqlparser's spans of calls stop early).
    fn widen(&self, s: Span) -> Span {
        let toks = &self.p.tokens;
        let a = self.offset(s.start);
        let b = self.offset(s.end);
        let i = self.tok_at(a);
        let mut depth = 0i32;
        let mut j = i;
        let mut last = None;
        while j < toks.len() && (toks[j].1 < b || depth > 0) {
            match toks[j].0 {
                Token::LParen => depth += 1,
                Token::RParen => depth -= 1,
                _ => {}
            }
            last = Some(j);
            j += 1;
            if depth < 0 {
                break;
            }
        }
        let Some(mut last) = last else { return s };
        // A call whose span stops at its name: take its arguments too.
        if matches!(toks[last].0, Token::Word(_))
            && toks.get(last + 1).is_some_and(|t| t.0 == Token::LParen)
        {
            last = self.close_paren(last + 1).unwrap_or(last);
        }
        if toks
            .get(last + 1)
            .is_some_and(|t| super::rewrite::is_kw(&t.0, sqlparser::keywords::Keyword::OVER))
        {
            last += 1;
            if toks.get(last + 1).is_some_and(|t| t.0 == Token::LParen) {
                last = self.close_paren(last + 1).unwrap_or(last + 1);
            } else if toks.get(last + 1).is_some() {
                last += 1;
            }
        }
        self.span_bytes(toks[i.min(toks.len() - 1)].1.min(a), toks[last].2.max(b))
    }

    /// The span of `FLOOR(x TO unit)` from the span of `x`.
    fn floor_span(&self, inner: Span) -> Span {
        let toks = &self.p.tokens;
        let i = self.tok_at(self.offset(inner.start));
        if i >= 2 && i < toks.len() && toks[i - 1].0 == Token::LParen {
            if let Some(close) = self.close_paren(i - 1) {
                return self.span_bytes(toks[i - 2].1, toks[close].2);
            }
        }
        inner
    }

    fn run(&mut self) {
        let stmts: &'a [ParsedStmt] = &self.p.stmts;
        // Pass 1: streams and Flink tables.
        for st in stmts {
            self.enter(st);
            if let Statement::CreateTable(ct) = &st.ast {
                if let Err(e) = self.declare(ct) {
                    self.errors.push(*e);
                }
            }
        }
        // A pump header followed by nothing (`CREATE PUMP p AS;`).
        for e in &self.p.edits {
            if let EditKind::Pump { name, quoted, .. } = &e.kind {
                if !stmts.iter().any(|st| st.index == e.stmt) {
                    let pump = if *quoted {
                        name.clone()
                    } else {
                        name.to_ascii_uppercase()
                    };
                    let span = self.span_bytes(e.start, e.end);
                    self.errors
                        .push(*err(span, SqlErrorKind::PumpWithoutInsert { pump }));
                }
            }
        }
        // Pass 2: pumps and bare queries.
        let mut implicit = 0;
        for st in stmts {
            self.enter(st);
            let pump = self.edit_pump();
            let result = match &st.ast {
                Statement::CreateTable(_) => match pump {
                    Some((name, s)) => Err(err(s, SqlErrorKind::PumpWithoutInsert { pump: name })),
                    None => Ok(()),
                },
                Statement::Insert(ins) => self.insert(ins, pump),
                Statement::Query(q) => match pump {
                    Some((name, s)) => Err(err(s, SqlErrorKind::PumpWithoutInsert { pump: name })),
                    None => {
                        implicit += 1;
                        self.bare_query(q, implicit)
                    }
                },
                other => {
                    let what = other
                        .to_string()
                        .split_whitespace()
                        .take(2)
                        .collect::<Vec<_>>()
                        .join(" ");
                    Err(err(
                        self.stmt_span,
                        SqlErrorKind::Unsupported {
                            what: what.to_string(),
                        },
                    ))
                }
            };
            if let Err(e) = result {
                self.errors.push(*e);
            }
        }
        if self.errors.is_empty() {
            if let Err(e) = self.feed_flink_tables() {
                self.errors.push(*e);
            }
        }
    }

    fn enter(&mut self, st: &ParsedStmt) {
        self.stmt_start = st.start;
        self.stmt_index = st.index;
        self.stmt_span = self.span_bytes(st.start, st.end);
    }

    fn edits(&self) -> impl Iterator<Item = &'a super::rewrite::Edit> + '_ {
        let i = self.stmt_index;
        self.p.edits.iter().filter(move |e| e.stmt == i)
    }

    /// The pump header of the current statement: its name and the header's span.
    fn edit_pump(&self) -> Option<(String, Span)> {
        self.edits().find_map(|e| match &e.kind {
            EditKind::Pump { name, quoted, .. } => {
                let name = if *quoted {
                    name.clone()
                } else {
                    name.to_ascii_uppercase()
                };
                Some((name, self.span_bytes(e.start, e.end)))
            }
            _ => None,
        })
    }

    fn stream_id(&self, name: &str) -> Option<StreamId> {
        self.streams.iter().position(|s| s.name == name)
    }

    fn declare(&mut self, ct: &ast::CreateTable) -> R<()> {
        let is_stream = self.edits().any(|e| e.kind == EditKind::CreateStream);
        let parts = fold_object(&ct.name);
        let name_span = self.sp(ct.name.span());
        let [name] = parts.as_slice() else {
            return Err(err(
                name_span,
                SqlErrorKind::Unsupported {
                    what: "schema.stream".into(),
                },
            ));
        };
        if self.stream_id(name).is_some() {
            return Err(err(
                name_span,
                SqlErrorKind::Duplicate {
                    what: "stream".into(),
                    name: name.clone(),
                },
            ));
        }
        if ct.query.is_some() {
            return Err(err(
                self.stmt_span,
                SqlErrorKind::Unsupported {
                    what: "CREATE … AS SELECT".into(),
                },
            ));
        }
        let mut columns: Vec<ColumnDef> = Vec::new();
        let mut col_spans = Vec::new();
        for c in &ct.columns {
            col_spans.push(self.sp(c.name.span));
            let cname = fold(&c.name);
            let ty = sql_type(&c.data_type).ok_or_else(|| {
                err(
                    self.sp(c.span()),
                    SqlErrorKind::Unsupported {
                        what: c.data_type.to_string(),
                    },
                )
            })?;
            if columns.iter().any(|x| x.name == cname) {
                return Err(err(
                    self.sp(c.name.span),
                    SqlErrorKind::Duplicate {
                        what: "column".into(),
                        name: cname,
                    },
                ));
            }
            columns.push(ColumnDef { name: cname, ty });
        }
        if columns.is_empty() {
            return Err(err(
                name_span,
                SqlErrorKind::UnexpectedEnd {
                    expected: "(column TYPE, …)".into(),
                },
            ));
        }
        let id = self.streams.len();
        self.streams.push(StreamDef {
            name: name.clone(),
            columns,
            kind: StreamKind::Declared,
            span: self.stmt_span,
        });
        if !is_stream {
            let mut watermark = None;
            let wm: Option<(String, String, Span)> = self.edits().find_map(|e| match &e.kind {
                EditKind::Watermark { column, expr } => Some((
                    column.clone(),
                    expr.clone(),
                    self.span_bytes(e.start, e.end),
                )),
                _ => None,
            });
            if let Some((column, expr, span)) = wm {
                watermark = Some(self.watermark(&column, &expr, span)?);
            }
            self.flink.push(FlinkTable {
                stream: id,
                watermark,
                span: self.stmt_span,
                col_spans,
            });
        }
        Ok(())
    }

    /// `col AS col [- INTERVAL …]` → (column, delay ms).
    fn watermark(&self, column: &str, expr: &str, span: Span) -> R<(String, i64)> {
        let bad = || {
            err(
                span,
                SqlErrorKind::BadLiteral {
                    what: "WATERMARK".into(),
                    text: expr.trim().to_string(),
                },
            )
        };
        let mut tk = sqlparser::tokenizer::Tokenizer::new(&KdaDialect, column);
        let col = match tk.tokenize().ok().as_deref() {
            Some([Token::Word(w)]) if w.quote_style.is_some() => w.value.clone(),
            Some([Token::Word(w)]) => w.value.to_ascii_uppercase(),
            _ => return Err(bad()),
        };
        let e = sqlparser::parser::Parser::new(&KdaDialect)
            .try_with_sql(expr)
            .and_then(|mut p| p.parse_expr())
            .map_err(|_| bad())?;
        let same = |x: &ast::Expr| matches!(x, ast::Expr::Identifier(i) if fold(i) == col);
        let delay = match &e {
            x if same(x) => 0,
            ast::Expr::BinaryOp {
                left,
                op: BinaryOperator::Minus,
                right,
            } if same(left) => match right.as_ref() {
                ast::Expr::Interval(iv) => interval_ms(iv).filter(|d| *d >= 0).ok_or_else(bad)?,
                _ => return Err(bad()),
            },
            _ => return Err(bad()),
        };
        Ok((col, delay))
    }

    fn insert(&mut self, ins: &ast::Insert, pump: Option<(String, Span)>) -> R<()> {
        let ast::TableObject::TableName(tname) = &ins.table else {
            return Err(err(
                self.stmt_span,
                SqlErrorKind::Unsupported {
                    what: "INSERT INTO f(…)".into(),
                },
            ));
        };
        let tspan = self.sp(tname.span());
        let parts = fold_object(tname);
        let tn = parts.last().cloned().unwrap_or_default();
        let target = match (parts.len(), self.stream_id(&tn)) {
            (1, Some(t)) => t,
            _ => {
                return Err(err(
                    tspan,
                    SqlErrorKind::Unknown {
                        what: "stream".into(),
                        name: parts.join("."),
                    },
                ))
            }
        };
        if target == 0 {
            return Err(err(tspan, SqlErrorKind::InsertIntoInput));
        }
        let Some(source) = &ins.source else {
            return Err(err(
                self.stmt_span,
                SqlErrorKind::Unsupported {
                    what: "INSERT … VALUES".into(),
                },
            ));
        };
        let (query, reads) = self.top_query(source)?;
        let tcols = self.streams[target].columns.clone();
        let columns: Vec<usize> = if ins.columns.is_empty() {
            (0..tcols.len()).collect()
        } else {
            let mut v = Vec::new();
            for c in &ins.columns {
                let name = fold_object(c).last().cloned().unwrap_or_default();
                match tcols.iter().position(|x| x.name == name) {
                    Some(i) => v.push(i),
                    None => {
                        return Err(err(
                            self.sp(c.span()),
                            SqlErrorKind::Unknown {
                                what: "column".into(),
                                name: format!("{tn}.{name}"),
                            },
                        ))
                    }
                }
            }
            v
        };
        if columns.len() != query.select.len() {
            let span = if ins.columns.is_empty() {
                self.sp(source.span())
            } else {
                tspan
            };
            let span = if ins.columns.is_empty() {
                self.select_list_span(source).unwrap_or(span)
            } else {
                span
            };
            return Err(err(
                span,
                SqlErrorKind::InsertArity {
                    target: tn,
                    columns: columns.len(),
                    values: query.select.len(),
                },
            ));
        }
        for (k, &c) in columns.iter().enumerate() {
            if !assignable(Some(query.types[k]), tcols[c].ty) && !query.types.is_empty() {
                let span = self.select_item_span(source, k).unwrap_or(self.stmt_span);
                return Err(err(
                    span,
                    SqlErrorKind::TypeMismatch {
                        expected: class_name(tcols[c].ty).to_string(),
                        found: type_name(Some(query.types[k])),
                    },
                ));
            }
        }
        let (name, span) = match pump {
            Some((n, s)) => (
                n,
                Span {
                    start: s.start,
                    end: self.stmt_span.end,
                },
            ),
            None => (String::new(), self.stmt_span),
        };
        if !name.is_empty() && self.pumps.iter().any(|(p, _)| p.name == name) {
            return Err(err(
                span,
                SqlErrorKind::Duplicate {
                    what: "pump".into(),
                    name,
                },
            ));
        }
        self.pumps.push((
            Pump {
                name,
                target,
                columns,
                query,
                span,
            },
            reads,
        ));
        Ok(())
    }

    fn select_of(q: &ast::Query) -> Option<&ast::Select> {
        match q.body.as_ref() {
            SetExpr::Select(s) => Some(s),
            SetExpr::Query(q) => Self::select_of(q),
            _ => None,
        }
    }

    fn select_list_span(&self, q: &ast::Query) -> Option<Span> {
        let s = Self::select_of(q)?;
        let a = span_of(s.projection.first()?.span())?;
        let b = span_of(s.projection.last()?.span())?;
        Some(Span {
            start: a.start,
            end: b.end,
        })
    }

    fn select_item_span(&self, q: &ast::Query, k: usize) -> Option<Span> {
        let s = Self::select_of(q)?;
        let item = s.projection.get(k).or(s.projection.last())?;
        span_of(item.span()).map(|x| self.widen(x))
    }

    fn bare_query(&mut self, q: &ast::Query, n: usize) -> R<()> {
        let (query, reads) = self.top_query(q)?;
        let columns: Vec<ColumnDef> = query
            .names
            .iter()
            .zip(&query.types)
            .map(|(n, t)| ColumnDef {
                name: n.clone(),
                ty: *t,
            })
            .collect();
        let target = self.streams.len();
        self.streams.push(StreamDef {
            name: implicit_stream_name(n),
            columns,
            kind: StreamKind::Implicit,
            span: self.stmt_span,
        });
        let columns = (0..query.select.len()).collect();
        self.pumps.push((
            Pump {
                name: String::new(),
                target,
                columns,
                query,
                span: self.stmt_span,
            },
            reads,
        ));
        Ok(())
    }

    /// Flink source tables (read by a query, never inserted into) are fed
    /// from the input by column name.
    fn feed_flink_tables(&mut self) -> R<()> {
        let flink: Vec<(StreamId, Span, Vec<Span>)> = self
            .flink
            .iter()
            .map(|f| (f.stream, f.span, f.col_spans.clone()))
            .collect();
        for (sid, span, col_spans) in flink {
            // Written by an INSERT (a sink), or read by nothing: not a source.
            let written = self.pumps.iter().any(|(p, _)| p.target == sid);
            let read = self.pumps.iter().any(|(_, reads)| reads.contains(&sid));
            if written || !read {
                continue;
            }
            let input = self.streams[0].columns.clone();
            let def = self.streams[sid].clone();
            let mut select = Vec::new();
            for (k, c) in def.columns.iter().enumerate() {
                let cspan = col_spans.get(k).copied().unwrap_or(span);
                match input.iter().position(|x| x.name == c.name) {
                    Some(i) if assignable(Some(input[i].ty), c.ty) => select.push(Expr::Col(i)),
                    Some(i) => {
                        return Err(err(
                            cspan,
                            SqlErrorKind::TypeMismatch {
                                expected: class_name(c.ty).to_string(),
                                found: type_name(Some(input[i].ty)),
                            },
                        ))
                    }
                    None => {
                        return Err(err(
                            cspan,
                            SqlErrorKind::Unknown {
                                what: "column".into(),
                                name: format!("{SOURCE_STREAM}.{}", c.name),
                            },
                        ))
                    }
                }
            }
            let query = Query {
                from: From::Stream {
                    stream: 0,
                    join: None,
                },
                filter: None,
                shape: Shape::Rows,
                names: def.columns.iter().map(|c| c.name.clone()).collect(),
                types: select
                    .iter()
                    .map(|e| {
                        if let Expr::Col(i) = e {
                            input[*i].ty
                        } else {
                            SqlType::Boolean
                        }
                    })
                    .collect(),
                select,
                order_by: None,
                span,
            };
            let columns = (0..def.columns.len()).collect();
            self.pumps.push((
                Pump {
                    name: def.name.clone(),
                    target: sid,
                    columns,
                    query,
                    span,
                },
                vec![0],
            ));
        }
        Ok(())
    }

    /// Pumps in dependency order (producers first), else declaration order.
    fn order_pumps(&mut self) -> R<Vec<Pump>> {
        let n = self.pumps.len();
        let mut done = vec![false; n];
        let mut order = Vec::with_capacity(n);
        while order.len() < n {
            let next = (0..n).find(|&i| {
                !done[i]
                    && self.pumps[i]
                        .1
                        .iter()
                        .all(|&s| (0..n).all(|j| done[j] || j == i || self.pumps[j].0.target != s))
            });
            match next {
                Some(i) => {
                    done[i] = true;
                    order.push(i);
                }
                None => {
                    let i = (0..n).find(|&i| !done[i]).unwrap_or(0);
                    let p = &self.pumps[i].0;
                    return Err(err(
                        p.span,
                        SqlErrorKind::PumpCycle {
                            pump: p.name.clone(),
                        },
                    ));
                }
            }
        }
        let mut slots: Vec<Option<Pump>> = std::mem::take(&mut self.pumps)
            .into_iter()
            .map(|(p, _)| Some(p))
            .collect();
        Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
    }

    /// A pump's query, and the streams it reads (for ordering).
    fn top_query(&mut self, q: &ast::Query) -> R<(Query, Vec<StreamId>)> {
        let mut reads = Vec::new();
        let query = self.query(q, &mut reads, 0)?;
        Ok((query, reads))
    }

    fn query(&mut self, q: &ast::Query, reads: &mut Vec<StreamId>, depth: usize) -> R<Query> {
        if depth > 20 {
            return Err(err(self.sp(q.span()), SqlErrorKind::TooDeep));
        }
        let qspan = self.sp(q.span());
        if q.with.is_some() {
            return Err(err(
                qspan,
                SqlErrorKind::Unsupported {
                    what: "WITH".into(),
                },
            ));
        }
        if q.limit_clause.is_some() || q.fetch.is_some() {
            return Err(err(
                qspan,
                SqlErrorKind::Unsupported {
                    what: "LIMIT".into(),
                },
            ));
        }
        let select = match q.body.as_ref() {
            SetExpr::Select(s) => s.as_ref(),
            SetExpr::Query(inner) if q.order_by.is_none() => {
                return self.query(inner, reads, depth + 1)
            }
            SetExpr::SetOperation { op, .. } => {
                return Err(err(
                    qspan,
                    SqlErrorKind::Unsupported {
                        what: format!("{op}"),
                    },
                ));
            }
            _ => {
                return Err(err(
                    qspan,
                    SqlErrorKind::Unsupported {
                        what: "VALUES".into(),
                    },
                ))
            }
        };
        let sspan = self.sp(select.span());
        if select.distinct.is_some() {
            return Err(err(
                sspan,
                SqlErrorKind::Unsupported {
                    what: "SELECT DISTINCT".into(),
                },
            ));
        }
        if select.top.is_some()
            || select.into.is_some()
            || select.qualify.is_some()
            || !select.sort_by.is_empty()
        {
            return Err(err(
                sspan,
                SqlErrorKind::Unsupported {
                    what: "TOP/INTO/QUALIFY/SORT BY".into(),
                },
            ));
        }
        let from = match select.from.as_slice() {
            [one] => one,
            [] => {
                return Err(err(
                    sspan,
                    SqlErrorKind::Unsupported {
                        what: "SELECT … (without FROM)".into(),
                    },
                ))
            }
            [_, second, ..] => {
                return Err(err(
                    self.sp(second.relation.span()),
                    SqlErrorKind::Unsupported {
                        what: "FROM a, b".into(),
                    },
                ))
            }
        };
        let (from_plan, scope, flink) = self.from(from, reads, depth)?;
        let filter = match &select.selection {
            Some(w) => {
                let mut cx = Cx {
                    scope: &scope,
                    mode: Mode::Row(RowWhy::Where),
                    depth: 0,
                };
                let (e, t) = self.expr(w, &mut cx)?;
                self.expect_bool(w, t)?;
                Some(e)
            }
            None => None,
        };
        let group: &[ast::Expr] = match &select.group_by {
            GroupByExpr::Expressions(v, mods) if mods.is_empty() => v,
            _ => {
                return Err(err(
                    sspan,
                    SqlErrorKind::Unsupported {
                        what: "GROUP BY ALL/ROLLUP/CUBE".into(),
                    },
                ))
            }
        };
        let stagger_call = group.iter().find_map(|g| match g {
            ast::Expr::Function(f) if func_name(f) == "STAGGER" => Some((g, f)),
            _ => None,
        });
        let (shape, select_exprs, names, types) = if let Some(fl) = flink {
            self.flink_select(select, group, &scope, fl)?
        } else if let Some((g, f)) = stagger_call {
            if group.len() != 1 {
                return Err(err(
                    self.sp(g.span()),
                    SqlErrorKind::Unsupported {
                        what: "GROUP BY … STAGGER(…)".into(),
                    },
                ));
            }
            self.stagger_select(select, g, f, &scope)?
        } else if !group.is_empty() {
            self.tumbling_select(select, group, &scope)?
        } else {
            if let Some(h) = &select.having {
                return Err(err(
                    self.sp(h.span()),
                    SqlErrorKind::Unsupported {
                        what: "HAVING (without GROUP BY)".into(),
                    },
                ));
            }
            let mut cx = Cx {
                scope: &scope,
                mode: Mode::Free {
                    named: &select.named_window,
                    windows: Vec::new(),
                    aggs: Vec::new(),
                },
                depth: 0,
            };
            let (sel, names, types) = self.select_list(select, &mut cx)?;
            let Mode::Free { windows, aggs, .. } = cx.mode else {
                unreachable!()
            };
            let shape = if aggs.is_empty() {
                Shape::Rows
            } else {
                Shape::Sliding {
                    windows: windows.into_iter().map(|(w, _)| w).collect(),
                    aggs,
                }
            };
            (shape, sel, names, types)
        };
        let order_by = match &q.order_by {
            None => None,
            Some(ob) => Some(self.order_by(ob, &scope, &shape, &names)?),
        };
        Ok(Query {
            from: from_plan,
            filter,
            shape,
            select: select_exprs,
            names,
            types,
            order_by,
            span: qspan,
        })
    }

    fn expect_bool(&self, e: &ast::Expr, t: Ty) -> R<()> {
        match t {
            None | Some(SqlType::Boolean) => Ok(()),
            Some(t) => Err(err(
                self.sp(e.span()),
                SqlErrorKind::TypeMismatch {
                    expected: "a condition (BOOLEAN)".into(),
                    found: type_name(Some(t)),
                },
            )),
        }
    }

    /// The select list: expressions, output names and types.
    fn select_list(
        &mut self,
        select: &ast::Select,
        cx: &mut Cx,
    ) -> R<(Vec<Expr>, Vec<String>, Vec<SqlType>)> {
        let (mut exprs, mut names, mut types) = (Vec::new(), Vec::new(), Vec::new());
        for item in &select.projection {
            match item {
                SelectItem::UnnamedExpr(e) => {
                    let (x, t) = self.expr(e, cx)?;
                    let name = match e {
                        ast::Expr::Identifier(i) => fold(i),
                        ast::Expr::CompoundIdentifier(v) => v.last().map(fold).unwrap_or_default(),
                        _ => format!("EXPR${}", exprs.len()),
                    };
                    exprs.push(x);
                    names.push(name);
                    types.push(t.unwrap_or(SqlType::Varchar(0)));
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    let (x, t) = self.expr(expr, cx)?;
                    exprs.push(x);
                    names.push(fold(alias));
                    types.push(t.unwrap_or(SqlType::Varchar(0)));
                }
                SelectItem::ExprWithAliases { .. } => {
                    return Err(err(
                        self.sp(item.span()),
                        SqlErrorKind::Unsupported {
                            what: "AS (a, b)".into(),
                        },
                    ))
                }
                SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => {
                    let span = self.sp(item.span());
                    let rels: Vec<Rel> = match item {
                        SelectItem::QualifiedWildcard(
                            ast::SelectItemQualifiedWildcardKind::ObjectName(n),
                            _,
                        ) => {
                            let q = fold_object(n).join(".");
                            match cx.scope.rels.iter().find(|r| r.names.contains(&q)) {
                                Some(r) => vec![r.clone()],
                                None => {
                                    return Err(err(
                                        span,
                                        SqlErrorKind::Unknown {
                                            what: "stream".into(),
                                            name: q,
                                        },
                                    ))
                                }
                            }
                        }
                        SelectItem::QualifiedWildcard(..) => {
                            return Err(err(span, SqlErrorKind::Unsupported { what: "*".into() }))
                        }
                        _ => cx.scope.rels.clone(),
                    };
                    for r in rels {
                        for (k, (n, t)) in r.cols.iter().enumerate() {
                            let row = Expr::Col(r.offset + k);
                            let x = match &cx.mode {
                                Mode::Grouped { keys, .. } => {
                                    match keys.iter().position(|key| *key == row) {
                                        Some(i) => Expr::Key(i),
                                        None => {
                                            return Err(err(
                                                span,
                                                SqlErrorKind::NotGrouped { column: n.clone() },
                                            ))
                                        }
                                    }
                                }
                                _ => row,
                            };
                            exprs.push(x);
                            names.push(n.clone());
                            types.push(*t);
                        }
                    }
                }
            }
        }
        Ok((exprs, names, types))
    }

    /// GROUP BY keys (row expressions) and the index of the monotonic one.
    fn keys(&mut self, group: &[&ast::Expr], scope: &Scope) -> R<Vec<(Expr, Span)>> {
        let mut keys = Vec::new();
        for g in group {
            let mut cx = Cx {
                scope,
                mode: Mode::Row(RowWhy::Key),
                depth: 0,
            };
            let (x, _) = self.expr(g, &mut cx)?;
            let span = self.sp(g.span());
            let span = if matches!(g, ast::Expr::Floor { .. } | ast::Expr::Ceil { .. }) {
                self.floor_span(span)
            } else {
                self.widen(span)
            };
            keys.push((x, span));
        }
        Ok(keys)
    }

    fn tumbling_select(
        &mut self,
        select: &ast::Select,
        group: &[ast::Expr],
        scope: &Scope,
    ) -> R<Selected> {
        let refs: Vec<&ast::Expr> = group.iter().collect();
        let keys = self.keys(&refs, scope)?;
        let Some((time_key, step_ms)) = keys
            .iter()
            .enumerate()
            .find_map(|(i, (k, _))| monotonic(k).map(|w| (i, w)))
        else {
            let first = keys.first().map(|k| k.1).unwrap_or(self.stmt_span);
            let last = keys.last().map(|k| k.1).unwrap_or(first);
            return Err(err(
                Span {
                    start: first.start,
                    end: last.end,
                },
                SqlErrorKind::GroupByNotMonotonic,
            ));
        };
        let keys: Vec<Expr> = keys.into_iter().map(|k| k.0).collect();
        let mut cx = Cx {
            scope,
            mode: Mode::Grouped {
                keys: keys.clone(),
                aggs: Vec::new(),
                flink: false,
            },
            depth: 0,
        };
        let (sel, names, types) = self.select_list(select, &mut cx)?;
        let having = match &select.having {
            Some(h) => {
                let (x, t) = self.expr(h, &mut cx)?;
                self.expect_bool(h, t)?;
                Some(x)
            }
            None => None,
        };
        let Mode::Grouped { aggs, .. } = cx.mode else {
            unreachable!()
        };
        Ok((
            Shape::Tumbling {
                keys,
                time_key,
                step_ms,
                aggs,
                having,
            },
            sel,
            names,
            types,
        ))
    }

    fn stagger_select(
        &mut self,
        select: &ast::Select,
        g: &ast::Expr,
        f: &ast::Function,
        scope: &Scope,
    ) -> R<Selected> {
        let at = span_of(g.span())
            .map(|s| self.offset(s.start))
            .unwrap_or(self.stmt_start);
        let edit = self.edits().find_map(|e| match e.kind {
            EditKind::Stagger { range } if e.start <= at && at < e.end => {
                Some((range, self.span_bytes(e.start, e.end)))
            }
            _ => None,
        });
        let Some((range, espan)) = edit else {
            return Err(err(
                self.widen(self.sp(g.span())),
                SqlErrorKind::StaggerWithoutWindowedBy,
            ));
        };
        if !range {
            return Err(err(espan, SqlErrorKind::StaggerWithoutRange));
        }
        let args = self.plain_args(f, "STAGGER")?;
        let Some((last, keys_ast)) = args.split_last() else {
            return Err(err(espan, SqlErrorKind::StaggerWithoutRange));
        };
        let range_ms = match last {
            ast::Expr::Interval(iv) => self.positive_interval(iv, last)?,
            other => {
                return Err(err(
                    self.sp(other.span()),
                    SqlErrorKind::ArgForm {
                        func: "STAGGER".into(),
                        arg: "RANGE".into(),
                        expected: "INTERVAL".into(),
                    },
                ))
            }
        };
        if keys_ast.is_empty() {
            return Err(err(
                espan,
                SqlErrorKind::UnexpectedEnd {
                    expected: "PARTITION BY expression".into(),
                },
            ));
        }
        let keys: Vec<Expr> = self
            .keys(keys_ast, scope)?
            .into_iter()
            .map(|k| k.0)
            .collect();
        let mut cx = Cx {
            scope,
            mode: Mode::Grouped {
                keys: keys.clone(),
                aggs: Vec::new(),
                flink: false,
            },
            depth: 0,
        };
        let (sel, names, types) = self.select_list(select, &mut cx)?;
        let having = match &select.having {
            Some(h) => {
                let (x, t) = self.expr(h, &mut cx)?;
                self.expect_bool(h, t)?;
                Some(x)
            }
            None => None,
        };
        let Mode::Grouped { aggs, .. } = cx.mode else {
            unreachable!()
        };
        Ok((
            Shape::Stagger {
                keys,
                range_ms,
                aggs,
                having,
            },
            sel,
            names,
            types,
        ))
    }

    fn flink_select(
        &mut self,
        select: &ast::Select,
        group: &[ast::Expr],
        scope: &Scope,
        fl: Flink,
    ) -> R<Selected> {
        let is = |g: &ast::Expr, n: &str| matches!(g, ast::Expr::Identifier(i) if fold(i) == n);
        let has_start = group.iter().any(|g| is(g, "WINDOW_START"));
        let has_end = group.iter().any(|g| is(g, "WINDOW_END"));
        if !(has_start && has_end) {
            let span = match group.first() {
                Some(g) => self.sp(g.span()),
                None => self.sp(select.span()),
            };
            return Err(err(span, SqlErrorKind::FlinkWindowGroup));
        }
        if let Some(h) = &select.having {
            return Err(err(
                self.sp(h.span()),
                SqlErrorKind::Unsupported {
                    what: "HAVING + TUMBLE/HOP".into(),
                },
            ));
        }
        let rest: Vec<&ast::Expr> = group
            .iter()
            .filter(|g| !is(g, "WINDOW_START") && !is(g, "WINDOW_END"))
            .collect();
        let keys: Vec<Expr> = self.keys(&rest, scope)?.into_iter().map(|k| k.0).collect();
        let mut cx = Cx {
            scope,
            mode: Mode::Grouped {
                keys: keys.clone(),
                aggs: Vec::new(),
                flink: true,
            },
            depth: 0,
        };
        let (sel, names, types) = self.select_list(select, &mut cx)?;
        let Mode::Grouped { aggs, .. } = cx.mode else {
            unreachable!()
        };
        let _ = fl.stream;
        Ok((
            Shape::EventTime {
                time: fl.time,
                size_ms: fl.size_ms,
                slide_ms: fl.slide_ms,
                delay_ms: fl.delay_ms,
                keys,
                aggs,
            },
            sel,
            names,
            types,
        ))
    }

    fn order_by(
        &mut self,
        ob: &ast::OrderBy,
        scope: &Scope,
        shape: &Shape,
        names: &[String],
    ) -> R<OrderBy> {
        let ast::OrderByKind::Expressions(items) = &ob.kind else {
            return Err(err(
                self.stmt_span,
                SqlErrorKind::Unsupported {
                    what: "ORDER BY ALL".into(),
                },
            ));
        };
        let Some((first, rest)) = items.split_first() else {
            return Err(err(self.stmt_span, SqlErrorKind::OrderByNotMonotonic));
        };
        let fspan = self.sp(first.expr.span());
        let fspan = if matches!(first.expr, ast::Expr::Floor { .. } | ast::Expr::Ceil { .. }) {
            self.floor_span(fspan)
        } else {
            self.widen(fspan)
        };
        if !matches!(shape, Shape::Rows) {
            return Err(err(
                fspan,
                SqlErrorKind::Unsupported {
                    what: "ORDER BY + GROUP BY/WINDOWED BY/OVER".into(),
                },
            ));
        }
        let mut cx = Cx {
            scope,
            mode: Mode::Row(RowWhy::Plain),
            depth: 0,
        };
        let (bucket, _) = self.expr(&first.expr, &mut cx)?;
        let Some(width_ms) = monotonic(&bucket) else {
            return Err(err(fspan, SqlErrorKind::OrderByNotMonotonic));
        };
        let mut keys = Vec::new();
        for it in rest {
            let span = self.sp(it.expr.span());
            let col = match &it.expr {
                ast::Expr::Identifier(i) => {
                    let n = fold(i);
                    names
                        .iter()
                        .position(|x| *x == n)
                        .ok_or(SqlErrorKind::Unknown {
                            what: "column".into(),
                            name: n,
                        })
                }
                ast::Expr::CompoundIdentifier(v) => {
                    let n = v.last().map(fold).unwrap_or_default();
                    names
                        .iter()
                        .position(|x| *x == n)
                        .ok_or(SqlErrorKind::Unknown {
                            what: "column".into(),
                            name: n,
                        })
                }
                ast::Expr::Value(v) => match &v.value {
                    ast::Value::Number(n, _) => n
                        .parse::<usize>()
                        .ok()
                        .filter(|k| (1..=names.len()).contains(k))
                        .map(|k| k - 1)
                        .ok_or(SqlErrorKind::Unknown {
                            what: "column".into(),
                            name: n.clone(),
                        }),
                    _ => Err(SqlErrorKind::Unsupported {
                        what: "ORDER BY '…'".into(),
                    }),
                },
                _ => Err(SqlErrorKind::Unsupported {
                    what: "ORDER BY f(…)".into(),
                }),
            };
            let col = col.map_err(|k| err(span, k))?;
            let desc = matches!(it.options.sort, Some(ast::OrderBySort::Desc));
            keys.push((Expr::Col(col), desc));
        }
        Ok(OrderBy {
            bucket,
            width_ms,
            keys,
        })
    }

    /// FROM: the plan's source, the names in scope, and a Flink window if any.
    fn from(
        &mut self,
        twj: &ast::TableWithJoins,
        reads: &mut Vec<StreamId>,
        depth: usize,
    ) -> R<(From, Scope, Option<Flink>)> {
        let rel_span = self.sp(twj.relation.span());
        let alias_names = |alias: &Option<ast::TableAlias>| -> Vec<String> {
            alias.iter().map(|a| fold(&a.name)).collect()
        };
        let (from, mut scope, flink) = match &twj.relation {
            TableFactor::Table {
                name,
                alias,
                args: None,
                ..
            } => {
                let parts = fold_object(name);
                let n = parts.last().cloned().unwrap_or_default();
                let Some(sid) = self.stream_id(&n).filter(|_| parts.len() == 1) else {
                    let what = if self.ref_tables.iter().any(|t| t.name == n) {
                        return Err(err(
                            rel_span,
                            SqlErrorKind::Unsupported {
                                what: "FROM reference_table (without a stream)".into(),
                            },
                        ));
                    } else {
                        "stream"
                    };
                    return Err(err(
                        rel_span,
                        SqlErrorKind::Unknown {
                            what: what.into(),
                            name: parts.join("."),
                        },
                    ));
                };
                reads.push(sid);
                let mut names = vec![n];
                names.extend(alias_names(alias));
                let cols = self.streams[sid]
                    .columns
                    .iter()
                    .map(|c| (c.name.clone(), c.ty))
                    .collect();
                let rel = Rel {
                    names,
                    cols,
                    offset: 0,
                    rowtime: true,
                    flink: false,
                };
                (
                    From::Stream {
                        stream: sid,
                        join: None,
                    },
                    Scope { rels: vec![rel] },
                    None,
                )
            }
            TableFactor::Derived {
                subquery, alias, ..
            } => {
                let sub = self.query(subquery, reads, depth + 1)?;
                let cols = sub
                    .names
                    .iter()
                    .cloned()
                    .zip(sub.types.iter().copied())
                    .collect();
                let rel = Rel {
                    names: alias_names(alias),
                    cols,
                    offset: 0,
                    rowtime: true,
                    flink: false,
                };
                (
                    From::Subquery(Box::new(sub)),
                    Scope { rels: vec![rel] },
                    None,
                )
            }
            TableFactor::TableFunction { expr, alias } => {
                let ast::Expr::Function(f) = expr else {
                    return Err(err(
                        rel_span,
                        SqlErrorKind::Unsupported {
                            what: "TABLE(…)".into(),
                        },
                    ));
                };
                self.table_function(f, alias_names(alias), reads, depth)?
            }
            _ => {
                return Err(err(
                    rel_span,
                    SqlErrorKind::Unsupported {
                        what: "FROM …".into(),
                    },
                ))
            }
        };
        match twj.joins.as_slice() {
            [] => {}
            [j] => {
                let From::Stream { stream, .. } = from else {
                    return Err(err(
                        self.sp(j.relation.span()),
                        SqlErrorKind::Unsupported {
                            what: "(SELECT …) JOIN".into(),
                        },
                    ));
                };
                let join = self.join(j, &mut scope)?;
                return Ok((
                    From::Stream {
                        stream,
                        join: Some(join),
                    },
                    scope,
                    flink,
                ));
            }
            [_, second, ..] => {
                return Err(err(
                    self.sp(second.relation.span()),
                    SqlErrorKind::Unsupported {
                        what: "JOIN … JOIN".into(),
                    },
                ))
            }
        }
        Ok((from, scope, flink))
    }

    fn join(&mut self, j: &ast::Join, scope: &mut Scope) -> R<Join> {
        let jspan = self.sp(j.relation.span());
        let (outer, constraint) = match &j.join_operator {
            JoinOperator::Join(c) | JoinOperator::Inner(c) => (false, c),
            JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (true, c),
            _ => {
                return Err(err(
                    jspan,
                    SqlErrorKind::Unsupported {
                        what: "RIGHT/FULL/CROSS JOIN".into(),
                    },
                ))
            }
        };
        let TableFactor::Table {
            name,
            alias,
            args: None,
            ..
        } = &j.relation
        else {
            return Err(err(
                jspan,
                SqlErrorKind::Unsupported {
                    what: "JOIN (SELECT …)".into(),
                },
            ));
        };
        let parts = fold_object(name);
        let n = parts.last().cloned().unwrap_or_default();
        if self.stream_id(&n).is_some() {
            return Err(err(
                jspan,
                SqlErrorKind::Unsupported {
                    what: "stream JOIN stream".into(),
                },
            ));
        }
        let Some(def) = self
            .ref_tables
            .iter()
            .find(|t| t.name == n)
            .filter(|_| parts.len() == 1)
        else {
            return Err(err(
                jspan,
                SqlErrorKind::Unknown {
                    what: "reference table".into(),
                    name: parts.join("."),
                },
            ));
        };
        let table = match self.tables.iter().position(|t| t.name == n) {
            Some(i) => i,
            None => {
                self.tables.push(def.clone());
                self.tables.len() - 1
            }
        };
        let offset: usize = scope.rels.iter().map(|r| r.cols.len()).sum();
        let mut names = vec![n];
        names.extend(alias.iter().map(|a| fold(&a.name)));
        let cols = def.columns.iter().map(|c| (c.name.clone(), c.ty)).collect();
        scope.rels.push(Rel {
            names,
            cols,
            offset,
            rowtime: false,
            flink: false,
        });
        let JoinConstraint::On(on) = constraint else {
            return Err(err(
                jspan,
                SqlErrorKind::Unsupported {
                    what: "JOIN … USING/NATURAL".into(),
                },
            ));
        };
        let form = || SqlErrorKind::Unsupported {
            what: "JOIN … ON (not s.x = t.y)".into(),
        };
        let ast::Expr::BinaryOp {
            left,
            op: BinaryOperator::Eq,
            right,
        } = on
        else {
            return Err(err(self.sp(on.span()), form()));
        };
        let mut cx = Cx {
            scope,
            mode: Mode::Row(RowWhy::Plain),
            depth: 0,
        };
        let (l, lt) = self.expr(left, &mut cx)?;
        let (r, rt) = self.expr(right, &mut cx)?;
        let in_table = |i: usize| i >= offset;
        let (key, kt, col, ct) = match (&l, &r) {
            (_, Expr::Col(c)) if *c >= offset && !uses_col(&l, &in_table) => {
                (l.clone(), lt, *c, rt)
            }
            (Expr::Col(c), _) if *c >= offset && !uses_col(&r, &in_table) => {
                (r.clone(), rt, *c, lt)
            }
            _ => return Err(err(self.sp(on.span()), form())),
        };
        if !comparable(kt, ct) {
            return Err(err(
                self.sp(on.span()),
                SqlErrorKind::TypeMismatch {
                    expected: type_name(ct),
                    found: type_name(kt),
                },
            ));
        }
        Ok(Join {
            table,
            left_key: key,
            right_col: col - offset,
            outer,
        })
    }

    /// The unnamed expression arguments of a call.
    fn plain_args<'f>(&self, f: &'f ast::Function, name: &str) -> R<Vec<&'f ast::Expr>> {
        let fspan = self.sp(f.span());
        match &f.args {
            FunctionArguments::None => Ok(Vec::new()),
            FunctionArguments::Subquery(_) => Err(err(
                fspan,
                SqlErrorKind::ArgForm {
                    func: name.into(),
                    arg: "(…)".into(),
                    expected: "an expression".into(),
                },
            )),
            FunctionArguments::List(l) => {
                if !l.clauses.is_empty() {
                    return Err(err(
                        fspan,
                        SqlErrorKind::Unsupported {
                            what: format!("{name}(… FILTER/WITHIN GROUP/ORDER BY)"),
                        },
                    ));
                }
                let mut v = Vec::new();
                for a in &l.args {
                    match a {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => v.push(e),
                        _ => {
                            return Err(err(
                                self.sp(a.span()),
                                SqlErrorKind::ArgForm {
                                    func: name.into(),
                                    arg: "(…)".into(),
                                    expected: "an expression".into(),
                                },
                            ))
                        }
                    }
                }
                Ok(v)
            }
        }
    }

    fn positive_interval(&self, iv: &ast::Interval, e: &ast::Expr) -> R<i64> {
        let span = self.sp(e.span());
        let ms = interval_ms(iv).ok_or_else(|| {
            err(
                span,
                SqlErrorKind::BadLiteral {
                    what: "INTERVAL".into(),
                    text: e.to_string(),
                },
            )
        })?;
        if ms <= 0 {
            return Err(err(span, SqlErrorKind::WindowNegative));
        }
        Ok(ms)
    }

    fn int_arg(&self, e: &ast::Expr, func: &str, arg: &str, min: i64, max: i64) -> R<i64> {
        let span = self.sp(e.span());
        let v = match e {
            ast::Expr::Value(v) => match &v.value {
                ast::Value::Number(n, _) => n.parse::<i64>().ok(),
                _ => None,
            },
            ast::Expr::UnaryOp {
                op: UnaryOperator::Minus,
                expr,
            } => match expr.as_ref() {
                ast::Expr::Value(v) => match &v.value {
                    ast::Value::Number(n, _) => n.parse::<i64>().ok().map(|x| -x),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        let Some(v) = v else {
            return Err(err(
                span,
                SqlErrorKind::ArgForm {
                    func: func.into(),
                    arg: arg.into(),
                    expected: "a whole number".into(),
                },
            ));
        };
        if v < min || v > max {
            return Err(err(
                span,
                SqlErrorKind::ArgRange {
                    func: func.into(),
                    arg: arg.into(),
                    min: min.to_string(),
                    max: max.to_string(),
                    given: v.to_string(),
                },
            ));
        }
        Ok(v)
    }

    fn num_arg(&self, e: &ast::Expr, func: &str, arg: &str) -> R<f64> {
        let span = self.sp(e.span());
        let v = match e {
            ast::Expr::Value(v) => match &v.value {
                ast::Value::Number(n, _) => n.parse::<f64>().ok(),
                _ => None,
            },
            _ => None,
        };
        v.filter(|x| x.is_finite() && *x > 0.0).ok_or_else(|| {
            err(
                span,
                SqlErrorKind::ArgForm {
                    func: func.into(),
                    arg: arg.into(),
                    expected: "a positive number".into(),
                },
            )
        })
    }

    fn table_function(
        &mut self,
        f: &ast::Function,
        alias: Vec<String>,
        reads: &mut Vec<StreamId>,
        depth: usize,
    ) -> R<(From, Scope, Option<Flink>)> {
        let name = func_name(f);
        let fspan = self.widen(self.sp(f.span()));
        if name == "TUMBLE" || name == "HOP" {
            return self.flink_window(f, &name, alias, reads, fspan);
        }
        let args = self.plain_args(f, &name)?;
        let (min, max): (usize, usize) = match name.as_str() {
            "TOP_K_ITEMS_TUMBLING" => (4, 4),
            "COUNT_DISTINCT_ITEMS_TUMBLING" => (3, 3),
            "RANDOM_CUT_FOREST" => (1, 5),
            "HOTSPOTS" => (4, 4),
            "RANDOM_CUT_FOREST_WITH_EXPLANATION" | "REGEX_LOG_PARSE" | "SLIDING_WINDOW" => {
                return Err(err(fspan, SqlErrorKind::Unsupported { what: name }))
            }
            _ => {
                return Err(err(
                    fspan,
                    SqlErrorKind::Unknown {
                        what: "table function".into(),
                        name,
                    },
                ))
            }
        };
        if args.len() < min || args.len() > max {
            let expected = if min == max {
                min.to_string()
            } else {
                format!("{min} to {max}")
            };
            return Err(err(
                fspan,
                SqlErrorKind::ArgCount {
                    func: name,
                    expected,
                    given: args.len(),
                },
            ));
        }
        // The cursor.
        let cursor_form = || SqlErrorKind::ArgForm {
            func: name.clone(),
            arg: "inputStream".into(),
            expected: "CURSOR(SELECT STREAM …)".into(),
        };
        let input = match args[0] {
            ast::Expr::Function(c) if func_name(c) == "CURSOR" => match &c.args {
                FunctionArguments::Subquery(q) => self.query(q, reads, depth + 1)?,
                _ => return Err(err(self.sp(args[0].span()), cursor_form())),
            },
            other => return Err(err(self.sp(other.span()), cursor_form())),
        };
        let in_cols: Vec<(String, SqlType)> = input
            .names
            .iter()
            .cloned()
            .zip(input.types.iter().copied())
            .collect();
        let column_arg = |this: &Self, e: &ast::Expr| -> R<usize> {
            let span = this.sp(e.span());
            match e {
                ast::Expr::Value(v) => match &v.value {
                    ast::Value::SingleQuotedString(s) => {
                        in_cols.iter().position(|c| c.0 == *s).ok_or_else(|| {
                            err(
                                span,
                                SqlErrorKind::Unknown {
                                    what: "column".into(),
                                    name: s.clone(),
                                },
                            )
                        })
                    }
                    _ => Err(err(
                        span,
                        SqlErrorKind::ArgForm {
                            func: name.clone(),
                            arg: "columnName".into(),
                            expected: "a column name in single quotes".into(),
                        },
                    )),
                },
                _ => Err(err(
                    span,
                    SqlErrorKind::ArgForm {
                        func: name.clone(),
                        arg: "columnName".into(),
                        expected: "a column name in single quotes".into(),
                    },
                )),
            }
        };
        let numeric: Vec<usize> = in_cols
            .iter()
            .enumerate()
            .filter(|(_, c)| is_numeric(c.1) && !matches!(c.1, SqlType::Decimal { .. }))
            .map(|(i, _)| i)
            .collect();
        let (func, cols) = match name.as_str() {
            "TOP_K_ITEMS_TUMBLING" => {
                let column = column_arg(self, args[1])?;
                let k = self.int_arg(args[2], &name, "K", 1, 100_000)? as u32;
                let window_s = self.int_arg(args[3], &name, "windowSize", 1, 3600)? as u32;
                let cols = vec![
                    in_cols[column].clone(),
                    ("MOST_FREQUENT_VALUES".to_string(), SqlType::BigInt),
                ];
                (
                    TableFn::TopK {
                        column,
                        k,
                        window_s,
                    },
                    cols,
                )
            }
            "COUNT_DISTINCT_ITEMS_TUMBLING" => {
                let column = column_arg(self, args[1])?;
                let window_s = self.int_arg(args[2], &name, "windowSize", 1, 3600)? as u32;
                (
                    TableFn::CountDistinct { column, window_s },
                    vec![("NUMBER_OF_DISTINCT_ITEMS".to_string(), SqlType::BigInt)],
                )
            }
            "RANDOM_CUT_FOREST" => {
                let get = |i: usize, arg: &str, min: i64, max: i64, default: i64| -> R<u32> {
                    match args.get(i) {
                        Some(e) => Ok(self.int_arg(e, &name, arg, min, max)? as u32),
                        None => Ok(default as u32),
                    }
                };
                let trees = get(1, "numberOfTrees", 1, 1000, 100)?;
                let sample_size = get(2, "subSampleSize", 10, 1000, 256)?;
                let time_decay = get(3, "timeDecay", 1, i32::MAX as i64, 100_000)?;
                let shingle = get(4, "shingleSize", 1, 30, 1)?;
                if numeric.is_empty() {
                    return Err(err(fspan, SqlErrorKind::NoNumericColumns { func: name }));
                }
                let mut cols = in_cols.clone();
                cols.push(("ANOMALY_SCORE".to_string(), SqlType::Double));
                (
                    TableFn::RandomCutForest {
                        numeric,
                        trees,
                        sample_size,
                        time_decay,
                        shingle,
                    },
                    cols,
                )
            }
            _ => {
                let window_size = self.int_arg(args[1], &name, "windowSize", 1, 1_000_000)? as u32;
                let scan_radius = self.num_arg(args[2], &name, "scanRadius")?;
                let min_points = self.int_arg(
                    args[3],
                    &name,
                    "minimumNumberOfPointsInAHotspot",
                    1,
                    1_000_000,
                )? as u32;
                if numeric.is_empty() {
                    return Err(err(fspan, SqlErrorKind::NoNumericColumns { func: name }));
                }
                let mut cols = in_cols.clone();
                cols.push(("HOTSPOTS_RESULT".to_string(), SqlType::Varchar(10_000)));
                (
                    TableFn::Hotspots {
                        numeric,
                        window_size,
                        scan_radius,
                        min_points,
                    },
                    cols,
                )
            }
        };
        let mut names = alias;
        names.push(name);
        let rel = Rel {
            names,
            cols,
            offset: 0,
            rowtime: true,
            flink: false,
        };
        Ok((
            From::TableFn {
                func,
                input: Box::new(input),
            },
            Scope { rels: vec![rel] },
            None,
        ))
    }

    /// Flink `TUMBLE(TABLE t, DESCRIPTOR(ts), size)` / `HOP(TABLE t, DESCRIPTOR(ts), slide, size)`.
    fn flink_window(
        &mut self,
        f: &ast::Function,
        name: &str,
        alias: Vec<String>,
        reads: &mut Vec<StreamId>,
        fspan: Span,
    ) -> R<(From, Scope, Option<Flink>)> {
        let args = self.plain_args(f, name)?;
        let want = if name == "TUMBLE" { 3 } else { 4 };
        if args.len() != want {
            return Err(err(
                fspan,
                SqlErrorKind::ArgCount {
                    func: name.into(),
                    expected: want.to_string(),
                    given: args.len(),
                },
            ));
        }
        let form = |arg: &str, expected: &str| SqlErrorKind::ArgForm {
            func: name.into(),
            arg: arg.into(),
            expected: expected.into(),
        };
        let ast::Expr::Identifier(t) = args[0] else {
            return Err(err(self.sp(args[0].span()), form("data", "TABLE t")));
        };
        let tn = fold(t);
        let Some(sid) = self.stream_id(&tn) else {
            return Err(err(
                self.sp(t.span),
                SqlErrorKind::Unknown {
                    what: "table".into(),
                    name: tn,
                },
            ));
        };
        reads.push(sid);
        let cols: Vec<(String, SqlType)> = self.streams[sid]
            .columns
            .iter()
            .map(|c| (c.name.clone(), c.ty))
            .collect();
        let col = match args[1] {
            ast::Expr::Function(d) if func_name(d) == "DESCRIPTOR" => {
                match self.plain_args(d, "DESCRIPTOR")?.as_slice() {
                    [ast::Expr::Identifier(c)] => {
                        let cn = fold(c);
                        let i = cols.iter().position(|x| x.0 == cn).ok_or_else(|| {
                            err(
                                self.sp(c.span),
                                SqlErrorKind::Unknown {
                                    what: "column".into(),
                                    name: format!("{tn}.{cn}"),
                                },
                            )
                        })?;
                        if cols[i].1 != SqlType::Timestamp {
                            return Err(err(
                                self.sp(c.span),
                                SqlErrorKind::TypeMismatch {
                                    expected: "a TIMESTAMP".into(),
                                    found: type_name(Some(cols[i].1)),
                                },
                            ));
                        }
                        i
                    }
                    _ => {
                        return Err(err(
                            self.sp(args[1].span()),
                            form("timecol", "DESCRIPTOR(column)"),
                        ))
                    }
                }
            }
            _ => {
                return Err(err(
                    self.sp(args[1].span()),
                    form("timecol", "DESCRIPTOR(column)"),
                ))
            }
        };
        let mut ivs = Vec::new();
        for a in &args[2..] {
            match a {
                ast::Expr::Interval(iv) => ivs.push(self.positive_interval(iv, a)?),
                other => return Err(err(self.sp(other.span()), form("size", "INTERVAL"))),
            }
        }
        let (slide_ms, size_ms) = if ivs.len() == 1 {
            (ivs[0], ivs[0])
        } else {
            (ivs[0], ivs[1])
        };
        if size_ms % slide_ms != 0 {
            return Err(err(
                self.sp(args[3].span()),
                form("size", "a multiple of the slide"),
            ));
        }
        let delay_ms = self
            .flink
            .iter()
            .find(|fl| fl.stream == sid)
            .and_then(|fl| fl.watermark.as_ref())
            .filter(|(c, _)| *c == cols[col].0)
            .map_or(0, |(_, d)| *d);
        let mut names = vec![tn];
        names.extend(alias);
        let rel = Rel {
            names,
            cols,
            offset: 0,
            rowtime: true,
            flink: true,
        };
        let fl = Flink {
            stream: sid,
            time: Expr::Col(col),
            size_ms,
            slide_ms,
            delay_ms,
        };
        Ok((
            From::Stream {
                stream: sid,
                join: None,
            },
            Scope { rels: vec![rel] },
            Some(fl),
        ))
    }

    /// A name in scope: a column, ROWTIME, or a Flink window bound.
    fn resolve(&self, idents: &[ast::Ident], span: Span, cx: &Cx) -> R<(Expr, Ty)> {
        let names: Vec<String> = idents.iter().map(fold).collect();
        let flink = cx.scope.rels.iter().any(|r| r.flink);
        let (rels, col): (Vec<&Rel>, &String) = match names.as_slice() {
            [c] => (cx.scope.rels.iter().collect(), c),
            [q, c] => {
                let rels: Vec<&Rel> = cx
                    .scope
                    .rels
                    .iter()
                    .filter(|r| r.names.contains(q))
                    .collect();
                if rels.is_empty() {
                    return Err(err(
                        span,
                        SqlErrorKind::Unknown {
                            what: "stream".into(),
                            name: q.clone(),
                        },
                    ));
                }
                (rels, c)
            }
            _ => {
                return Err(err(
                    span,
                    SqlErrorKind::Unsupported {
                        what: names.join("."),
                    },
                ))
            }
        };
        let mut found: Vec<(usize, SqlType)> = Vec::new();
        for r in &rels {
            if let Some(k) = r.cols.iter().position(|c| c.0 == *col) {
                found.push((r.offset + k, r.cols[k].1));
            }
        }
        match found.as_slice() {
            [(i, t)] => return Ok((Expr::Col(*i), Some(*t))),
            [_, _, ..] => return Err(err(span, SqlErrorKind::Ambiguous { name: col.clone() })),
            [] => {}
        }
        if col == "ROWTIME" && rels.iter().any(|r| r.rowtime) {
            return Ok((Expr::RowTime, Some(SqlType::Timestamp)));
        }
        if flink && matches!(col.as_str(), "WINDOW_START" | "WINDOW_END" | "WINDOW_TIME") {
            let grouped = matches!(cx.mode, Mode::Grouped { flink: true, .. });
            if !grouped {
                return Err(err(
                    span,
                    SqlErrorKind::Unsupported {
                        what: format!("{col} (outside SELECT)"),
                    },
                ));
            }
            let e = match col.as_str() {
                "WINDOW_START" => Expr::WindowStart,
                "WINDOW_END" => Expr::WindowEnd,
                _ => Expr::Binary(
                    BinaryOp::Sub,
                    Box::new(Expr::WindowEnd),
                    Box::new(Expr::Lit(Value::Interval(1))),
                ),
            };
            return Ok((e, Some(SqlType::Timestamp)));
        }
        if col == "CURRENT_ROW_TIMESTAMP" && idents.len() == 1 {
            return Ok((
                Expr::Call(Func::CurrentRowTimestamp, Vec::new()),
                Some(SqlType::Timestamp),
            ));
        }
        Err(err(
            span,
            SqlErrorKind::Unknown {
                what: "column".into(),
                name: names.join("."),
            },
        ))
    }

    /// Compiles an expression in its context; returns it with its type.
    fn expr(&mut self, e: &ast::Expr, cx: &mut Cx) -> R<(Expr, Ty)> {
        cx.depth += 1;
        let r = if cx.depth > MAX_DEPTH {
            Err(err(self.stmt_span, SqlErrorKind::TooDeep))
        } else {
            self.expr_inner(e, cx)
        };
        cx.depth -= 1;
        r
    }

    /// The recursive path (`expr` → `expr_inner` → `binary`/`function` →
    /// `expr`) keeps small stack frames: every other form is compiled in
    /// its own function, so a chain of 100 operators fits the stack of a
    /// debug test thread and of the browser's worker.
    fn expr_inner(&mut self, e: &ast::Expr, cx: &mut Cx) -> R<(Expr, Ty)> {
        if matches!(cx.mode, Mode::Grouped { .. }) {
            if let Some(r) = self.grouped_key(e, cx) {
                return r;
            }
        }
        match e {
            ast::Expr::BinaryOp { left, op, right } => self.binary(left, op, right, e, cx),
            ast::Expr::Nested(x) => self.expr(x, cx),
            ast::Expr::Function(f) => self.function(f, self.sp(e.span()), cx),
            _ => self.expr_other(e, cx),
        }
    }

    /// In a grouped select, a whole GROUP BY expression is a key.
    #[inline(never)]
    fn grouped_key(&mut self, e: &ast::Expr, cx: &mut Cx) -> Option<R<(Expr, Ty)>> {
        let Mode::Grouped { keys, .. } = &cx.mode else {
            return None;
        };
        if keys.is_empty() || matches!(e, ast::Expr::Value(_)) || has_aggregate(e, 0) {
            return None;
        }
        let keys = keys.clone();
        let mut row = Cx {
            scope: cx.scope,
            mode: Mode::Row(RowWhy::Plain),
            depth: cx.depth,
        };
        let (x, t) = self.expr_inner(e, &mut row).ok()?;
        if let Some(i) = keys.iter().position(|k| *k == x) {
            return Some(Ok((Expr::Key(i), t)));
        }
        if let (Expr::Col(_), ast::Expr::Identifier(_) | ast::Expr::CompoundIdentifier(_)) = (&x, e)
        {
            let column = e.to_string();
            return Some(Err(err(
                self.sp(e.span()),
                SqlErrorKind::NotGrouped { column },
            )));
        }
        None
    }

    #[inline(never)]
    fn expr_other(&mut self, e: &ast::Expr, cx: &mut Cx) -> R<(Expr, Ty)> {
        let span = self.sp(e.span());
        match e {
            ast::Expr::Identifier(i) => {
                let (x, t) = self.resolve(std::slice::from_ref(i), span, cx)?;
                self.check_grouped(x, t, span, cx, e)
            }
            ast::Expr::CompoundIdentifier(v) => {
                let (x, t) = self.resolve(v, span, cx)?;
                self.check_grouped(x, t, span, cx, e)
            }
            ast::Expr::Value(v) => self.literal(&v.value, span),
            ast::Expr::Interval(iv) => {
                let ms = interval_ms(iv).ok_or_else(|| {
                    err(
                        span,
                        SqlErrorKind::BadLiteral {
                            what: "INTERVAL".into(),
                            text: e.to_string(),
                        },
                    )
                })?;
                Ok((Expr::Lit(Value::Interval(ms)), Some(SqlType::Interval)))
            }
            ast::Expr::TypedString(ts) => {
                let text = match &ts.value.value {
                    ast::Value::SingleQuotedString(s) => s.clone(),
                    other => other.to_string(),
                };
                match &ts.data_type {
                    DataType::Timestamp(..) | DataType::Datetime(_) | DataType::Date => {
                        let ms = parse_timestamp(&text).ok_or_else(|| {
                            err(
                                span,
                                SqlErrorKind::BadLiteral {
                                    what: "TIMESTAMP".into(),
                                    text: text.clone(),
                                },
                            )
                        })?;
                        Ok((Expr::Lit(Value::Ts(ms)), Some(SqlType::Timestamp)))
                    }
                    other => Err(err(
                        span,
                        SqlErrorKind::Unsupported {
                            what: format!("{other} '…'"),
                        },
                    )),
                }
            }
            ast::Expr::UnaryOp { op, expr } => {
                let (x, t) = self.expr(expr, cx)?;
                match op {
                    UnaryOperator::Plus => {
                        self.expect_class(expr, t, &[0, 3], "a number")?;
                        Ok((x, t))
                    }
                    UnaryOperator::Minus => {
                        self.expect_class(expr, t, &[0, 3], "a number")?;
                        let x = match x {
                            Expr::Lit(Value::Int(i)) => Expr::Lit(Value::Int(i.wrapping_neg())),
                            Expr::Lit(Value::Double(d)) => Expr::Lit(Value::Double(-d)),
                            x => Expr::Unary(UnaryOp::Neg, Box::new(x)),
                        };
                        Ok((x, t))
                    }
                    UnaryOperator::Not => {
                        self.expect_bool(expr, t)?;
                        Ok((
                            Expr::Unary(UnaryOp::Not, Box::new(x)),
                            Some(SqlType::Boolean),
                        ))
                    }
                    other => Err(err(
                        span,
                        SqlErrorKind::Unsupported {
                            what: other.to_string(),
                        },
                    )),
                }
            }
            ast::Expr::IsNull(x) | ast::Expr::IsNotNull(x) => {
                let (x2, _) = self.expr(x, cx)?;
                let negated = matches!(e, ast::Expr::IsNotNull(_));
                Ok((
                    Expr::IsNull {
                        expr: Box::new(x2),
                        negated,
                    },
                    Some(SqlType::Boolean),
                ))
            }
            ast::Expr::IsDistinctFrom(a, b) | ast::Expr::IsNotDistinctFrom(a, b) => {
                let (x, xt) = self.expr(a, cx)?;
                let (y, yt) = self.expr(b, cx)?;
                self.expect_comparable(b, xt, yt)?;
                let op = if matches!(e, ast::Expr::IsDistinctFrom(..)) {
                    BinaryOp::Distinct
                } else {
                    BinaryOp::NotDistinct
                };
                Ok((
                    Expr::Binary(op, Box::new(x), Box::new(y)),
                    Some(SqlType::Boolean),
                ))
            }
            ast::Expr::Between {
                expr,
                negated,
                low,
                high,
            } => {
                let (x, xt) = self.expr(expr, cx)?;
                let (l, lt) = self.expr(low, cx)?;
                let (h, ht) = self.expr(high, cx)?;
                self.expect_comparable(low, xt, lt)?;
                self.expect_comparable(high, xt, ht)?;
                Ok((
                    Expr::Between {
                        expr: Box::new(x),
                        low: Box::new(l),
                        high: Box::new(h),
                        negated: *negated,
                    },
                    Some(SqlType::Boolean),
                ))
            }
            ast::Expr::In {
                expr,
                target: ast::InTarget::List(list),
                negated,
                ..
            } => {
                let (x, xt) = self.expr(expr, cx)?;
                let mut items = Vec::new();
                for it in list {
                    let (y, yt) = self.expr(it, cx)?;
                    self.expect_comparable(it, xt, yt)?;
                    items.push(y);
                }
                Ok((
                    Expr::InList {
                        expr: Box::new(x),
                        list: items,
                        negated: *negated,
                    },
                    Some(SqlType::Boolean),
                ))
            }
            ast::Expr::Like {
                negated,
                any: false,
                expr,
                pattern,
                escape_char: None,
            } => {
                let (x, xt) = self.expr(expr, cx)?;
                let (p, pt) = self.expr(pattern, cx)?;
                self.expect_class(expr, xt, &[1], "a string (VARCHAR)")?;
                self.expect_class(pattern, pt, &[1], "a string (VARCHAR)")?;
                Ok((
                    Expr::Like {
                        expr: Box::new(x),
                        pattern: Box::new(p),
                        negated: *negated,
                    },
                    Some(SqlType::Boolean),
                ))
            }
            ast::Expr::Cast {
                kind: ast::CastKind::Cast,
                expr,
                data_type,
                format: None,
            } => {
                let (x, _) = self.expr(expr, cx)?;
                let ty = sql_type(data_type).ok_or_else(|| {
                    err(
                        span,
                        SqlErrorKind::Unsupported {
                            what: data_type.to_string(),
                        },
                    )
                })?;
                Ok((Expr::Cast(Box::new(x), ty), Some(ty)))
            }
            ast::Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => {
                let op = match operand {
                    Some(o) => Some(self.expr(o, cx)?),
                    None => None,
                };
                let mut whens = Vec::new();
                let mut ty: Ty = None;
                for w in conditions {
                    let (c, ct) = self.expr(&w.condition, cx)?;
                    match &op {
                        Some((_, ot)) => self.expect_comparable(&w.condition, *ot, ct)?,
                        None => self.expect_bool(&w.condition, ct)?,
                    }
                    let (r, rt) = self.expr(&w.result, cx)?;
                    ty = self.unify_at(&w.result, ty, rt)?;
                    whens.push((c, r));
                }
                let otherwise = match else_result {
                    Some(x) => {
                        let (r, rt) = self.expr(x, cx)?;
                        ty = self.unify_at(x, ty, rt)?;
                        Some(Box::new(r))
                    }
                    None => None,
                };
                Ok((
                    Expr::Case {
                        operand: op.map(|o| Box::new(o.0)),
                        whens,
                        otherwise,
                    },
                    ty,
                ))
            }
            ast::Expr::Floor { expr, field } | ast::Expr::Ceil { expr, field } => {
                let floor = matches!(e, ast::Expr::Floor { .. });
                let fname = if floor { "FLOOR" } else { "CEIL" };
                let (x, t) = self.expr(expr, cx)?;
                match field {
                    CeilFloorKind::DateTimeField(DateTimeField::NoDateTime) => {
                        self.expect_class(expr, t, &[0], "a number")?;
                        Ok((
                            Expr::Call(if floor { Func::Floor } else { Func::Ceil }, vec![x]),
                            t,
                        ))
                    }
                    CeilFloorKind::DateTimeField(f) => {
                        let Some(unit) = time_unit(f) else {
                            return Err(err(
                                self.floor_span(span),
                                SqlErrorKind::Unsupported {
                                    what: format!("{fname} … TO {f}"),
                                },
                            ));
                        };
                        self.expect_class(expr, t, &[2], "a TIMESTAMP")?;
                        let x = if floor {
                            Expr::FloorTo(Box::new(x), unit)
                        } else {
                            Expr::CeilTo(Box::new(x), unit)
                        };
                        Ok((x, Some(SqlType::Timestamp)))
                    }
                    CeilFloorKind::Scale(_) => Err(err(
                        self.floor_span(span),
                        SqlErrorKind::Unsupported {
                            what: format!("{fname}(x, scale)"),
                        },
                    )),
                }
            }
            ast::Expr::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                let (s, st) = self.expr(expr, cx)?;
                self.expect_class(expr, st, &[1], "a string (VARCHAR)")?;
                let mut args = vec![s];
                for a in [substring_from, substring_for].into_iter().flatten() {
                    let (x, xt) = self.expr(a, cx)?;
                    self.expect_integer(a, xt)?;
                    args.push(x);
                }
                if args.len() == 1 {
                    args.push(Expr::Lit(Value::Int(1)));
                }
                Ok((
                    Expr::Call(Func::Substring, args),
                    st.map(|t| SqlType::Varchar(len(t))),
                ))
            }
            ast::Expr::Position { expr, r#in } => {
                let (n, nt) = self.expr(expr, cx)?;
                let (h, ht) = self.expr(r#in, cx)?;
                self.expect_class(expr, nt, &[1], "a string (VARCHAR)")?;
                self.expect_class(r#in, ht, &[1], "a string (VARCHAR)")?;
                Ok((
                    Expr::Call(Func::Position, vec![n, h]),
                    Some(SqlType::Integer),
                ))
            }
            ast::Expr::Trim {
                trim_where,
                trim_what,
                expr,
                trim_characters: None,
            } => {
                let (s, st) = self.expr(expr, cx)?;
                self.expect_class(expr, st, &[1], "a string (VARCHAR)")?;
                let chars = match trim_what {
                    Some(w) => {
                        let (c, ct) = self.expr(w, cx)?;
                        self.expect_class(w, ct, &[1], "a string (VARCHAR)")?;
                        c
                    }
                    None => Expr::Lit(Value::Str(" ".into())),
                };
                let f = match trim_where {
                    Some(ast::TrimWhereField::Leading) => Func::TrimLeading,
                    Some(ast::TrimWhereField::Trailing) => Func::TrimTrailing,
                    _ => Func::TrimBoth,
                };
                Ok((Expr::Call(f, vec![s, chars]), st))
            }
            other => {
                let text: String = other.to_string().chars().take(40).collect();
                Err(err(span, SqlErrorKind::Unsupported { what: text }))
            }
        }
    }

    /// A column reached in a grouped select outside every key and aggregate.
    fn check_grouped(&self, x: Expr, t: Ty, span: Span, cx: &Cx, e: &ast::Expr) -> R<(Expr, Ty)> {
        if let (Mode::Grouped { .. }, Expr::Col(_)) = (&cx.mode, &x) {
            return Err(err(
                span,
                SqlErrorKind::NotGrouped {
                    column: e.to_string(),
                },
            ));
        }
        Ok((x, t))
    }

    fn expect_class(&self, e: &ast::Expr, t: Ty, classes: &[u8], expected: &str) -> R<()> {
        match t {
            Some(t) if !classes.contains(&class(t)) => Err(err(
                self.widen(self.sp(e.span())),
                SqlErrorKind::TypeMismatch {
                    expected: expected.into(),
                    found: type_name(Some(t)),
                },
            )),
            _ => Ok(()),
        }
    }

    fn expect_integer(&self, e: &ast::Expr, t: Ty) -> R<()> {
        match t {
            Some(t) if !is_integer(t) => Err(err(
                self.widen(self.sp(e.span())),
                SqlErrorKind::TypeMismatch {
                    expected: "a whole number".into(),
                    found: type_name(Some(t)),
                },
            )),
            _ => Ok(()),
        }
    }

    fn expect_comparable(&self, e: &ast::Expr, a: Ty, b: Ty) -> R<()> {
        if comparable(a, b) {
            Ok(())
        } else {
            Err(err(
                self.widen(self.sp(e.span())),
                SqlErrorKind::TypeMismatch {
                    expected: a.map_or("a value".into(), |t| class_name(t).to_string()),
                    found: type_name(b),
                },
            ))
        }
    }

    fn unify_at(&self, e: &ast::Expr, a: Ty, b: Ty) -> R<Ty> {
        unify(a, b).ok_or_else(|| {
            err(
                self.widen(self.sp(e.span())),
                SqlErrorKind::TypeMismatch {
                    expected: a.map_or("a value".into(), |t| class_name(t).to_string()),
                    found: type_name(b),
                },
            )
        })
    }

    fn literal(&self, v: &ast::Value, span: Span) -> R<(Expr, Ty)> {
        Ok(match v {
            ast::Value::Number(n, _) => {
                if let Ok(i) = n.parse::<i64>() {
                    let t = if i32::try_from(i).is_ok() {
                        SqlType::Integer
                    } else {
                        SqlType::BigInt
                    };
                    (Expr::Lit(Value::Int(i)), Some(t))
                } else {
                    match n.parse::<f64>() {
                        Ok(d) if d.is_finite() => {
                            (Expr::Lit(Value::Double(d)), Some(SqlType::Double))
                        }
                        _ => {
                            return Err(err(
                                span,
                                SqlErrorKind::BadLiteral {
                                    what: "NUMBER".into(),
                                    text: n.clone(),
                                },
                            ))
                        }
                    }
                }
            }
            ast::Value::SingleQuotedString(s) => (
                Expr::Lit(Value::Str(s.as_str().into())),
                Some(SqlType::Varchar(s.chars().count() as u32)),
            ),
            ast::Value::Boolean(b) => (Expr::Lit(Value::Bool(*b)), Some(SqlType::Boolean)),
            ast::Value::Null => (Expr::Lit(Value::Null), None),
            other => {
                return Err(err(
                    span,
                    SqlErrorKind::Unsupported {
                        what: other.to_string(),
                    },
                ))
            }
        })
    }

    #[inline(never)]
    fn binary(
        &mut self,
        left: &ast::Expr,
        op: &BinaryOperator,
        right: &ast::Expr,
        whole: &ast::Expr,
        cx: &mut Cx,
    ) -> R<(Expr, Ty)> {
        let (l, lt) = self.expr(left, cx)?;
        let (r, rt) = self.expr(right, cx)?;
        let bop = match op {
            BinaryOperator::Plus => BinaryOp::Add,
            BinaryOperator::Minus => BinaryOp::Sub,
            BinaryOperator::Multiply => BinaryOp::Mul,
            BinaryOperator::Divide => BinaryOp::Div,
            BinaryOperator::Modulo => BinaryOp::Mod,
            BinaryOperator::StringConcat => BinaryOp::Concat,
            BinaryOperator::Eq => BinaryOp::Eq,
            BinaryOperator::NotEq => BinaryOp::NotEq,
            BinaryOperator::Lt => BinaryOp::Lt,
            BinaryOperator::LtEq => BinaryOp::LtEq,
            BinaryOperator::Gt => BinaryOp::Gt,
            BinaryOperator::GtEq => BinaryOp::GtEq,
            BinaryOperator::And => BinaryOp::And,
            BinaryOperator::Or => BinaryOp::Or,
            other => {
                return Err(err(
                    self.sp(whole.span()),
                    SqlErrorKind::Unsupported {
                        what: other.to_string(),
                    },
                ))
            }
        };
        let ty: Ty = match bop {
            BinaryOp::And | BinaryOp::Or => {
                self.expect_bool(left, lt)?;
                self.expect_bool(right, rt)?;
                Some(SqlType::Boolean)
            }
            BinaryOp::Eq
            | BinaryOp::NotEq
            | BinaryOp::Lt
            | BinaryOp::LtEq
            | BinaryOp::Gt
            | BinaryOp::GtEq => {
                self.expect_comparable(right, lt, rt)?;
                Some(SqlType::Boolean)
            }
            BinaryOp::Concat => {
                self.expect_class(left, lt, &[1], "a string (VARCHAR)")?;
                self.expect_class(right, rt, &[1], "a string (VARCHAR)")?;
                Some(SqlType::Varchar(
                    lt.map_or(0, len).saturating_add(rt.map_or(0, len)),
                ))
            }
            _ => {
                let c = |t: Ty| t.map(class);
                match (bop, c(lt), c(rt)) {
                    (_, Some(0) | None, Some(0) | None) => {
                        if bop == BinaryOp::Mod {
                            self.expect_integer(left, lt)?;
                            self.expect_integer(right, rt)?;
                        }
                        match (lt, rt) {
                            (Some(a), Some(b)) => Some(wider(a, b)),
                            (a, b) => a.or(b),
                        }
                    }
                    (BinaryOp::Add | BinaryOp::Sub, Some(2), Some(3) | None) => {
                        Some(SqlType::Timestamp)
                    }
                    (BinaryOp::Add, Some(3), Some(2)) => Some(SqlType::Timestamp),
                    (BinaryOp::Sub, Some(2), Some(2)) => Some(SqlType::Interval),
                    (BinaryOp::Add | BinaryOp::Sub, Some(3), Some(3)) => Some(SqlType::Interval),
                    (BinaryOp::Mul | BinaryOp::Div, Some(3), Some(0)) => Some(SqlType::Interval),
                    (BinaryOp::Mul, Some(0), Some(3)) => Some(SqlType::Interval),
                    _ => {
                        let (bad, bt) = if matches!(c(lt), Some(0) | Some(2) | Some(3) | None) {
                            (right, rt)
                        } else {
                            (left, lt)
                        };
                        return Err(err(
                            self.widen(self.sp(bad.span())),
                            SqlErrorKind::TypeMismatch {
                                expected: "a number".into(),
                                found: type_name(bt),
                            },
                        ));
                    }
                }
            }
        };
        Ok((Expr::Binary(bop, Box::new(l), Box::new(r)), ty))
    }

    #[inline(never)]
    fn function(&mut self, f: &ast::Function, span: Span, cx: &mut Cx) -> R<(Expr, Ty)> {
        let name = func_name(f);
        let wspan = self.widen(span);
        if f.filter.is_some() || f.null_treatment.is_some() || !f.within_group.is_empty() {
            return Err(err(
                wspan,
                SqlErrorKind::Unsupported {
                    what: format!("{name}(… FILTER/WITHIN GROUP/ORDER BY)"),
                },
            ));
        }
        if AGGREGATES.contains(&name.as_str()) {
            return self.aggregate(f, &name, wspan, cx);
        }
        if f.over.is_some() {
            return Err(err(
                wspan,
                SqlErrorKind::Unsupported {
                    what: format!("{name}(…) OVER"),
                },
            ));
        }
        let args = self.plain_args(f, &name)?;
        let arity = |n: std::ops::RangeInclusive<usize>| -> R<()> {
            if n.contains(&args.len()) {
                Ok(())
            } else {
                let expected = if n.start() == n.end() {
                    n.start().to_string()
                } else {
                    format!("{} to {}", n.start(), n.end())
                };
                Err(err(
                    wspan,
                    SqlErrorKind::ArgCount {
                        func: name.clone(),
                        expected,
                        given: args.len(),
                    },
                ))
            }
        };
        if name == "STEP" {
            arity(2..=2)?;
            let (x, t) = self.expr(args[0], cx)?;
            self.expect_class(args[0], t, &[2], "a TIMESTAMP")?;
            let ms = match args[1] {
                ast::Expr::Interval(iv) => self.positive_interval(iv, args[1])?,
                other => {
                    return Err(err(
                        self.sp(other.span()),
                        SqlErrorKind::ArgForm {
                            func: "STEP".into(),
                            arg: "BY".into(),
                            expected: "INTERVAL".into(),
                        },
                    ))
                }
            };
            return Ok((Expr::Step(Box::new(x), ms), Some(SqlType::Timestamp)));
        }
        if name == "STAGGER" {
            return Err(err(wspan, SqlErrorKind::StaggerWithoutWindowedBy));
        }
        if name == "CURRENT_ROW_TIMESTAMP" {
            arity(0..=0)?;
            return Ok((
                Expr::Call(Func::CurrentRowTimestamp, Vec::new()),
                Some(SqlType::Timestamp),
            ));
        }
        let func = match name.as_str() {
            "ABS" => Func::Abs,
            "MOD" => Func::Mod,
            "ROUND" => Func::Round,
            "POWER" => Func::Power,
            "SQRT" => Func::Sqrt,
            "LN" => Func::Ln,
            "EXP" => Func::Exp,
            "UPPER" => Func::Upper,
            "LOWER" => Func::Lower,
            "CHAR_LENGTH" | "CHARACTER_LENGTH" => Func::CharLength,
            "COALESCE" => Func::Coalesce,
            "NULLIF" => Func::NullIf,
            "MONOTONIC" => Func::Monotonic,
            "REGEX_LOG_PARSE"
            | "CURSOR"
            | "TOP_K_ITEMS_TUMBLING"
            | "COUNT_DISTINCT_ITEMS_TUMBLING"
            | "RANDOM_CUT_FOREST"
            | "HOTSPOTS"
            | "CURRENT_TIMESTAMP"
            | "LOCALTIMESTAMP" => {
                let what = match name.as_str() {
                    "REGEX_LOG_PARSE" => name.clone(),
                    "CURRENT_TIMESTAMP" | "LOCALTIMESTAMP" => {
                        format!("{name} (use CURRENT_ROW_TIMESTAMP or ROWTIME)")
                    }
                    _ => format!("{name} here (it goes in FROM TABLE(…))"),
                };
                return Err(err(wspan, SqlErrorKind::Unsupported { what }));
            }
            _ => {
                return Err(err(
                    self.widen(self.sp(f.name.span())),
                    SqlErrorKind::Unknown {
                        what: "function".into(),
                        name,
                    },
                ))
            }
        };
        let mut xs = Vec::new();
        let mut ts = Vec::new();
        for a in &args {
            let (x, t) = self.expr(a, cx)?;
            xs.push(x);
            ts.push(t);
        }
        let num = |this: &Self, i: usize| this.expect_class(args[i], ts[i], &[0], "a number");
        let s =
            |this: &Self, i: usize| this.expect_class(args[i], ts[i], &[1], "a string (VARCHAR)");
        let ty: Ty = match func {
            Func::Abs => {
                arity(1..=1)?;
                num(self, 0)?;
                ts[0]
            }
            Func::Mod => {
                arity(2..=2)?;
                self.expect_integer(args[0], ts[0])?;
                self.expect_integer(args[1], ts[1])?;
                match (ts[0], ts[1]) {
                    (Some(a), Some(b)) => Some(wider(a, b)),
                    (a, b) => a.or(b),
                }
            }
            Func::Round => {
                arity(1..=2)?;
                num(self, 0)?;
                if args.len() == 2 {
                    self.expect_integer(args[1], ts[1])?;
                }
                ts[0]
            }
            Func::Power => {
                arity(2..=2)?;
                num(self, 0)?;
                num(self, 1)?;
                Some(SqlType::Double)
            }
            Func::Sqrt | Func::Ln | Func::Exp => {
                arity(1..=1)?;
                num(self, 0)?;
                Some(SqlType::Double)
            }
            Func::Upper | Func::Lower => {
                arity(1..=1)?;
                s(self, 0)?;
                ts[0]
            }
            Func::CharLength => {
                arity(1..=1)?;
                s(self, 0)?;
                Some(SqlType::Integer)
            }
            Func::Coalesce => {
                arity(1..=usize::MAX)?;
                let mut t = None;
                for (i, a) in args.iter().enumerate() {
                    t = self.unify_at(a, t, ts[i])?;
                }
                t
            }
            Func::NullIf => {
                arity(2..=2)?;
                self.expect_comparable(args[1], ts[0], ts[1])?;
                ts[0]
            }
            _ => {
                arity(1..=1)?;
                ts[0]
            }
        };
        Ok((Expr::Call(func, xs), ty))
    }

    fn aggregate(
        &mut self,
        f: &ast::Function,
        name: &str,
        span: Span,
        cx: &mut Cx,
    ) -> R<(Expr, Ty)> {
        let func = match name {
            "COUNT" => AggFunc::Count,
            "SUM" => AggFunc::Sum,
            "AVG" => AggFunc::Avg,
            "MIN" => AggFunc::Min,
            _ => AggFunc::Max,
        };
        // Where aggregates may not be.
        match (&cx.mode, f.over.is_some()) {
            (Mode::Row(why), _) => {
                let kind = match why {
                    RowWhy::Where => SqlErrorKind::AggregateInWhere,
                    RowWhy::AggArg => SqlErrorKind::NestedAggregate,
                    RowWhy::Key => SqlErrorKind::Unsupported {
                        what: "GROUP BY COUNT/SUM/…".into(),
                    },
                    RowWhy::Plain => SqlErrorKind::AggregateWithoutWindow { func: name.into() },
                };
                return Err(err(span, kind));
            }
            (Mode::Free { .. }, false) => {
                return Err(err(
                    span,
                    SqlErrorKind::AggregateWithoutWindow { func: name.into() },
                ));
            }
            (Mode::Grouped { .. }, true) => {
                return Err(err(
                    span,
                    SqlErrorKind::Unsupported {
                        what: "OVER + GROUP BY".into(),
                    },
                ));
            }
            _ => {}
        }
        let (distinct, args) = match &f.args {
            FunctionArguments::List(l) => (
                matches!(
                    l.duplicate_treatment,
                    Some(ast::DuplicateTreatment::Distinct)
                ),
                l.args.as_slice(),
            ),
            _ => (false, &[][..]),
        };
        let arg = match args {
            [FunctionArg::Unnamed(FunctionArgExpr::Wildcard)]
                if func == AggFunc::Count && !distinct =>
            {
                None
            }
            [FunctionArg::Unnamed(FunctionArgExpr::Expr(a))] => Some(a),
            _ => {
                return Err(err(
                    span,
                    SqlErrorKind::ArgCount {
                        func: name.into(),
                        expected: "1".into(),
                        given: args.len(),
                    },
                ))
            }
        };
        let (arg_expr, at) = match arg {
            Some(a) => {
                let mut row = Cx {
                    scope: cx.scope,
                    mode: Mode::Row(RowWhy::AggArg),
                    depth: cx.depth,
                };
                let (x, t) = self.expr(a, &mut row)?;
                if matches!(func, AggFunc::Sum | AggFunc::Avg) {
                    self.expect_class(a, t, &[0], "a number")?;
                }
                (Some(x), t)
            }
            None => (None, None),
        };
        let ty = match func {
            AggFunc::Count => Some(SqlType::BigInt),
            AggFunc::Sum => Some(match at {
                Some(t) if is_integer(t) => SqlType::BigInt,
                Some(t @ SqlType::Decimal { .. }) => t,
                _ => SqlType::Double,
            }),
            AggFunc::Avg => Some(SqlType::Double),
            _ => at,
        };
        let agg = Agg {
            func,
            arg: arg_expr,
            distinct,
        };
        match &mut cx.mode {
            Mode::Grouped { aggs, .. } => {
                aggs.push(agg);
                Ok((Expr::Agg(aggs.len() - 1), ty))
            }
            Mode::Free { .. } => {
                if distinct {
                    return Err(err(span, SqlErrorKind::DistinctInWindow));
                }
                let w = self.window(f.over.as_ref(), span, cx)?;
                let Mode::Free { aggs, .. } = &mut cx.mode else {
                    unreachable!()
                };
                aggs.push((agg, w));
                Ok((Expr::Agg(aggs.len() - 1), ty))
            }
            Mode::Row(_) => unreachable!(),
        }
    }

    /// The window of `agg OVER …`: its index in the query's windows.
    fn window(&mut self, over: Option<&WindowType>, call_span: Span, cx: &mut Cx) -> R<usize> {
        let Mode::Free { named, .. } = &cx.mode else {
            return Err(err(call_span, SqlErrorKind::WindowNoFrame));
        };
        let named: &[ast::NamedWindowDefinition] = named;
        // Resolve named windows (a chain of at most a few names).
        let (spec, wspan) = match over {
            Some(WindowType::WindowSpec(s)) => (s.clone(), call_span),
            Some(WindowType::NamedWindow(n)) => {
                let mut name = fold(n);
                let mut hops = 0;
                loop {
                    let Some(def) = named.iter().find(|d| fold(&d.0) == name) else {
                        return Err(err(
                            self.sp(n.span),
                            SqlErrorKind::Unknown {
                                what: "window".into(),
                                name: name.clone(),
                            },
                        ));
                    };
                    match &def.1 {
                        NamedWindowExpr::WindowSpec(s) => {
                            break (s.clone(), self.named_window_span(&def.0))
                        }
                        NamedWindowExpr::NamedWindow(next) => {
                            hops += 1;
                            if hops > 8 {
                                return Err(err(self.sp(n.span), SqlErrorKind::TooDeep));
                            }
                            name = fold(next);
                        }
                    }
                }
            }
            None => return Err(err(call_span, SqlErrorKind::WindowNoFrame)),
        };
        if spec.window_name.is_some() {
            return Err(err(
                wspan,
                SqlErrorKind::Unsupported {
                    what: "OVER (w …)".into(),
                },
            ));
        }
        let (a, b) = (self.offset(wspan.start), self.offset(wspan.end));
        let range_toks = |this: &Self, pred: &dyn Fn(&Token) -> bool| -> Option<Span> {
            let i = this.tok_at(a);
            let toks = &this.p.tokens;
            (i..toks.len())
                .take_while(|&j| toks[j].1 < b)
                .find(|&j| pred(&toks[j].0))
                .map(|j| {
                    let close = (j..toks.len())
                        .take_while(|&k| toks[k].1 < b)
                        .last()
                        .unwrap_or(j);
                    let end = if toks[close].0 == Token::RParen && close > j {
                        close - 1
                    } else {
                        close
                    };
                    this.span_bytes(toks[j].1, toks[end].2)
                })
        };
        use sqlparser::keywords::Keyword;
        let frame_span = range_toks(self, &|t| {
            super::rewrite::is_kw(t, Keyword::ROWS) || super::rewrite::is_kw(t, Keyword::RANGE)
        })
        .unwrap_or(wspan);
        if let Some(o) = spec.order_by.first() {
            let s = range_toks(self, &|t| super::rewrite::is_kw(t, Keyword::ORDER))
                .map(|s| Span {
                    start: s.start,
                    end: self.sp(o.expr.span()).end,
                })
                .unwrap_or(wspan);
            return Err(err(s, SqlErrorKind::WindowOrderBy));
        }
        let Some(frame) = &spec.window_frame else {
            return Err(err(wspan, SqlErrorKind::WindowNoFrame));
        };
        let unb = |following: bool| {
            let kw = if following {
                Keyword::FOLLOWING
            } else {
                Keyword::PRECEDING
            };
            let s = range_toks(self, &|t| super::rewrite::is_kw(t, Keyword::UNBOUNDED))
                .unwrap_or(frame_span);
            let _ = kw;
            err(s, SqlErrorKind::WindowUnbounded { following })
        };
        // Bounds: start must be n PRECEDING or CURRENT ROW; end, if any, CURRENT ROW.
        let value = |this: &Self, e: &ast::Expr| -> R<i64> {
            let espan = this.sp(e.span());
            match (frame.units, e) {
                (WindowFrameUnits::Rows, _) => match e {
                    ast::Expr::Value(v) => match &v.value {
                        ast::Value::Number(n, _) => n.parse::<i64>().map_err(|_| {
                            err(
                                espan,
                                SqlErrorKind::WindowFrameForm {
                                    found: e.to_string(),
                                },
                            )
                        }),
                        _ => Err(err(
                            espan,
                            SqlErrorKind::WindowFrameForm {
                                found: e.to_string(),
                            },
                        )),
                    },
                    ast::Expr::UnaryOp {
                        op: UnaryOperator::Minus,
                        ..
                    } => Err(err(frame_span, SqlErrorKind::WindowNegative)),
                    _ => Err(err(
                        espan,
                        SqlErrorKind::WindowFrameForm {
                            found: e.to_string(),
                        },
                    )),
                },
                (WindowFrameUnits::Range, ast::Expr::Interval(iv)) => {
                    interval_ms(iv).ok_or_else(|| {
                        err(
                            espan,
                            SqlErrorKind::BadLiteral {
                                what: "INTERVAL".into(),
                                text: e.to_string(),
                            },
                        )
                    })
                }
                (
                    WindowFrameUnits::Range,
                    ast::Expr::UnaryOp {
                        op: UnaryOperator::Minus,
                        ..
                    },
                ) => Err(err(frame_span, SqlErrorKind::WindowNegative)),
                _ => Err(err(
                    espan,
                    SqlErrorKind::WindowFrameForm {
                        found: format!("{} {e}", frame.units),
                    },
                )),
            }
        };
        if frame.units == WindowFrameUnits::Groups {
            return Err(err(
                frame_span,
                SqlErrorKind::WindowFrameForm {
                    found: "GROUPS".into(),
                },
            ));
        }
        let start = match &frame.start_bound {
            WindowFrameBound::CurrentRow => 0,
            WindowFrameBound::Preceding(None) => return Err(unb(false)),
            WindowFrameBound::Following(None) => return Err(unb(true)),
            WindowFrameBound::Following(Some(_)) => {
                return Err(err(frame_span, SqlErrorKind::WindowOffset))
            }
            WindowFrameBound::Preceding(Some(e)) => {
                let v = value(self, e)?;
                if v < 0 {
                    return Err(err(frame_span, SqlErrorKind::WindowNegative));
                }
                v
            }
        };
        match &frame.end_bound {
            None | Some(WindowFrameBound::CurrentRow) => {}
            Some(WindowFrameBound::Following(None)) => return Err(unb(true)),
            Some(WindowFrameBound::Preceding(None)) => return Err(unb(false)),
            Some(WindowFrameBound::Following(Some(_))) => {
                return Err(err(frame_span, SqlErrorKind::WindowOffset))
            }
            Some(WindowFrameBound::Preceding(Some(e))) => {
                let v = value(self, e).unwrap_or(0);
                let kind = if v > start || v < 0 {
                    SqlErrorKind::WindowNegative
                } else {
                    SqlErrorKind::WindowOffset
                };
                return Err(err(frame_span, kind));
            }
        }
        if start == 0 && matches!(frame.start_bound, WindowFrameBound::Preceding(_)) {
            return Err(err(frame_span, SqlErrorKind::WindowZeroPreceding));
        }
        let frame = match frame.units {
            WindowFrameUnits::Rows => Frame::Rows(start.min(u32::MAX as i64) as u32),
            _ => Frame::Range(start),
        };
        let mut partition = Vec::new();
        for p in &spec.partition_by {
            let mut row = Cx {
                scope: cx.scope,
                mode: Mode::Row(RowWhy::Plain),
                depth: cx.depth,
            };
            partition.push(self.expr(p, &mut row)?.0);
        }
        let window = Window { partition, frame };
        let Mode::Free { windows, .. } = &mut cx.mode else {
            unreachable!()
        };
        if let Some(i) = windows.iter().position(|(w, _)| *w == window) {
            return Ok(i);
        }
        if let Frame::Range(ms) = window.frame {
            if ms > 3_600_000 {
                self.warnings
                    .push(*err(frame_span, SqlErrorKind::WindowOverHour { ms }));
            }
        }
        windows.push((window, wspan));
        Ok(windows.len() - 1)
    }

    /// `name AS ( … )` in a WINDOW clause: from the name to the closing paren.
    fn named_window_span(&self, name: &ast::Ident) -> Span {
        let s = self.sp(name.span);
        let i = self.tok_at(self.offset(s.start));
        let toks = &self.p.tokens;
        let open = (i..toks.len().min(i + 3)).find(|&j| toks[j].0 == Token::LParen);
        match open.and_then(|o| self.close_paren(o)) {
            Some(c) => self.span_bytes(toks[i].1, toks[c].2),
            None => s,
        }
    }
}
