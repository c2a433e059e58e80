//! Errors of a SQL application, located in the student's own text.

use serde::{Deserialize, Serialize};

/// A 1-based line and column; the column counts characters (a tab is one).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// A range `[start, end)` of the original SQL text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

/// A syntax or semantic error of a SQL application. `kind` is data; the CLI
/// and the page word it (English in [`SqlErrorKind::en`], Vietnamese in the
/// app's i18n), so no language is baked into the engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SqlError {
    pub span: Span,
    pub kind: SqlErrorKind,
}

/// What is wrong. Owned by the compiler (`analytics::sql`); add variants as
/// rules are enforced, each with its English wording in `en()`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum SqlErrorKind {
    /// The parser expected something else here.
    Syntax { expected: String, found: String },
    /// A name that is not a stream, table or column in scope. `what` is one
    /// of `stream`, `column`, `function`, `table function`, `reference
    /// table`, `table` (Flink) or `window`; a qualified column's `name` is
    /// `stream.column`.
    Unknown { what: String, name: String },
    /// Anything else, worded already (to be replaced by specific variants).
    Other(String),
    /// The text (or the statement, at a `;`) ends before the statement is complete.
    UnexpectedEnd { expected: String },
    /// A string (`'…`), quoted name (`"…`) or comment (`/*…`) is never closed;
    /// `what` is `string`, `quoted name` or `comment`.
    Unterminated { what: String },
    /// Something the SQL tokenizer cannot read (sqlparser's message).
    BadToken { message: String },
    /// Parentheses or expressions nested deeper than the compiler accepts.
    TooDeep,
    /// Valid SQL that this lab does not run; `what` is the construct as SQL
    /// text (`UNION`, `REGEX_LOG_PARSE`, `FROM a, b`, `stream JOIN stream` …),
    /// never prose, so it reads the same in every language.
    Unsupported { what: String },
    /// A stream, pump or window declared twice (`what`: `stream`, `pump`, `window`).
    Duplicate { what: String, name: String },
    /// A column name found in more than one stream or table of the FROM clause.
    Ambiguous { name: String },
    /// A value of the wrong type. `expected` is one of `a number`, `a whole
    /// number`, `a string (VARCHAR)`, `a TIMESTAMP`, `an INTERVAL`, `a BOOLEAN`,
    /// `a condition (BOOLEAN)`, `a value`, or a SQL type name; `found` is a
    /// SQL type name (`VARCHAR(4)`, `DOUBLE`, `NULL` …).
    TypeMismatch { expected: String, found: String },
    /// A function called with the wrong number of arguments.
    ArgCount { func: String, expected: String, given: usize },
    /// A function argument outside its documented range (`arg` is the
    /// parameter's name in the AWS reference: `K`, `windowSize`, `numberOfTrees` …).
    ArgRange { func: String, arg: String, min: String, max: String, given: String },
    /// A function argument of the wrong form. `arg` is the parameter's name
    /// (`inputStream`, `columnName`, `K`, `BY`, `RANGE`, `data`, `timecol`,
    /// `size` …, or `(…)` for the argument list); `expected` is one of `a
    /// whole number`, `a positive number`, `an expression`, `a column name in
    /// single quotes`, `CURSOR(SELECT STREAM …)`, `DESCRIPTOR(column)`,
    /// `TABLE t`, `INTERVAL`, `a multiple of the slide`.
    ArgForm { func: String, arg: String, expected: String },
    /// GROUP BY with no monotonic, non-constant (time) expression: the groups
    /// would never close, so the query could never emit a row.
    GroupByNotMonotonic,
    /// ORDER BY whose first expression is not monotonic time.
    OrderByNotMonotonic,
    /// An aggregate (COUNT, SUM, …) in WHERE.
    AggregateInWhere,
    /// An aggregate without GROUP BY, WINDOWED BY or OVER.
    AggregateWithoutWindow { func: String },
    /// An aggregate inside another aggregate's argument.
    NestedAggregate,
    /// A column in a grouped SELECT (or HAVING) that is neither a GROUP BY
    /// expression nor inside an aggregate.
    NotGrouped { column: String },
    /// `UNBOUNDED PRECEDING` (`following` false) or `UNBOUNDED FOLLOWING`: an infinite window.
    WindowUnbounded { following: bool },
    /// A window of negative size (`-4 PRECEDING`, `BETWEEN 0 PRECEDING AND 4 PRECEDING`).
    WindowNegative,
    /// A window that does not end at the current row (an offset window).
    WindowOffset,
    /// `0 PRECEDING` in a windowed aggregate (CURRENT ROW is the way to say it).
    WindowZeroPreceding,
    /// ORDER BY inside a window specification.
    WindowOrderBy,
    /// A window with no RANGE/ROWS frame.
    WindowNoFrame,
    /// A frame not of the form `RANGE INTERVAL 'n' unit PRECEDING` or `ROWS n PRECEDING`.
    WindowFrameForm { found: String },
    /// A warning: a sliding window longer than one hour (`ms` long).
    WindowOverHour { ms: i64 },
    /// `WINDOWED BY STAGGER (PARTITION BY …)` without `RANGE INTERVAL …`.
    StaggerWithoutRange,
    /// `STAGGER(…)` outside `WINDOWED BY`.
    StaggerWithoutWindowedBy,
    /// `CREATE PUMP … AS` followed by something other than INSERT INTO.
    PumpWithoutInsert { pump: String },
    /// INSERT with a different number of target columns and selected values.
    InsertArity { target: String, columns: usize, values: usize },
    /// A pump writing into SOURCE_SQL_STREAM_001, which only the source feeds.
    InsertIntoInput,
    /// Pumps that feed each other in a loop.
    PumpCycle { pump: String },
    /// A Flink TUMBLE/HOP query without `GROUP BY window_start, window_end`.
    FlinkWindowGroup,
    /// COUNT(DISTINCT …) (or another DISTINCT aggregate) over a sliding window.
    DistinctInWindow,
    /// RANDOM_CUT_FOREST/HOTSPOTS with an input that has no numeric column.
    NoNumericColumns { func: String },
    /// A literal that cannot be read; `what` is `INTERVAL`, `TIMESTAMP`,
    /// `NUMBER` or `WATERMARK`.
    BadLiteral { what: String, text: String },
}

impl SqlErrorKind {
    /// The message in English.
    pub fn en(&self) -> String {
        match self {
            SqlErrorKind::Syntax { expected, found } => format!("expected {expected} here, found {found}"),
            SqlErrorKind::Unknown { what, name } => format!("there is no {what} named {name}"),
            SqlErrorKind::Other(s) => s.clone(),
            SqlErrorKind::UnexpectedEnd { expected } => {
                format!("the statement ends too early: expected {expected}")
            }
            SqlErrorKind::Unterminated { what } => format!("this {what} is never closed"),
            SqlErrorKind::BadToken { message } => format!("cannot read the SQL here: {message}"),
            SqlErrorKind::TooDeep => "this is nested too deeply; split it into simpler expressions".into(),
            SqlErrorKind::Unsupported { what } => format!("{what} is not supported by this lab"),
            SqlErrorKind::Duplicate { what, name } => format!("the {what} {name} is declared twice"),
            SqlErrorKind::Ambiguous { name } => {
                format!("{name} is a column of more than one stream or table here; qualify it (s.{name})")
            }
            SqlErrorKind::TypeMismatch { expected, found } => format!("expected {expected} here, found {found}"),
            SqlErrorKind::ArgCount { func, expected, given } => {
                format!("{func} takes {expected} arguments, not {given}")
            }
            SqlErrorKind::ArgRange { func, arg, min, max, given } => {
                format!("{arg} of {func} must be between {min} and {max}, not {given}")
            }
            SqlErrorKind::ArgForm { func, arg, expected } => format!("{arg} of {func} must be {expected}"),
            SqlErrorKind::GroupByNotMonotonic => "GROUP BY in a streaming query needs a monotonic, non-constant time \
                 expression such as STEP(ROWTIME BY INTERVAL '60' SECOND) or FLOOR(ROWTIME TO MINUTE): without one a \
                 group never closes, so the query could never emit a row"
                .into(),
            SqlErrorKind::OrderByNotMonotonic => "ORDER BY in a streaming query must start with a monotonic time \
                 expression such as FLOOR(ROWTIME TO SECOND)"
                .into(),
            SqlErrorKind::AggregateInWhere => {
                "aggregates (COUNT, SUM, …) cannot be used in WHERE; filter groups with HAVING".into()
            }
            SqlErrorKind::AggregateWithoutWindow { func } => format!(
                "{func} over a stream needs a window: GROUP BY STEP(ROWTIME BY …), WINDOWED BY STAGGER(…) or OVER w"
            ),
            SqlErrorKind::NestedAggregate => "an aggregate cannot be inside another aggregate".into(),
            SqlErrorKind::NotGrouped { column } => {
                format!("{column} must be in GROUP BY or inside an aggregate such as MIN({column})")
            }
            SqlErrorKind::WindowUnbounded { following: true } => {
                "UNBOUNDED FOLLOWING is not allowed: a window cannot wait for rows that have not arrived".into()
            }
            SqlErrorKind::WindowUnbounded { following: false } => {
                "UNBOUNDED PRECEDING is not allowed: a window over a stream must be finite".into()
            }
            SqlErrorKind::WindowNegative => "a window cannot have a negative size".into(),
            SqlErrorKind::WindowOffset => "a window must end at the current row (offset windows are not supported)".into(),
            SqlErrorKind::WindowZeroPreceding => "0 PRECEDING cannot be used here; write CURRENT ROW".into(),
            SqlErrorKind::WindowOrderBy => {
                "ORDER BY is not allowed in a window; rows are already in ROWTIME order".into()
            }
            SqlErrorKind::WindowNoFrame => {
                "the window needs a size: RANGE INTERVAL 'n' unit PRECEDING or ROWS n PRECEDING".into()
            }
            SqlErrorKind::WindowFrameForm { found } => format!(
                "expected RANGE INTERVAL 'n' SECOND|MINUTE|HOUR PRECEDING or ROWS n PRECEDING, found {found}"
            ),
            SqlErrorKind::WindowOverHour { ms } => format!(
                "this sliding window is {} minutes long; windows of at most one hour are recommended",
                ms / 60_000
            ),
            SqlErrorKind::StaggerWithoutRange => {
                "STAGGER needs RANGE INTERVAL …: WINDOWED BY STAGGER (PARTITION BY … RANGE INTERVAL '1' MINUTE)".into()
            }
            SqlErrorKind::StaggerWithoutWindowedBy => "STAGGER is written WINDOWED BY STAGGER (…)".into(),
            SqlErrorKind::PumpWithoutInsert { pump } => {
                format!("pump {pump} must be followed by INSERT INTO a stream, then the SELECT")
            }
            SqlErrorKind::InsertArity { target, columns, values } => {
                format!("INSERT INTO {target} names {columns} columns but the SELECT gives {values} values")
            }
            SqlErrorKind::InsertIntoInput => {
                "a pump cannot insert into SOURCE_SQL_STREAM_001; only the source feeds it".into()
            }
            SqlErrorKind::PumpCycle { pump } => format!("pump {pump} is part of a loop of pumps feeding each other"),
            SqlErrorKind::FlinkWindowGroup => "a TUMBLE or HOP query must GROUP BY window_start, window_end".into(),
            SqlErrorKind::DistinctInWindow => "DISTINCT aggregates cannot be used over a sliding window".into(),
            SqlErrorKind::NoNumericColumns { func } => {
                format!("{func} needs at least one numeric column (INTEGER, BIGINT, REAL, DOUBLE …) in its input")
            }
            SqlErrorKind::BadLiteral { what, text } => format!("{text} is not a valid {what}"),
        }
    }
}
