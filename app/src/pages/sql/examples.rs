//! The example applications the page loads: AWS's own queries (verbatim
//! files in `examples/`, the fixture numbers of `core/tests/sql_corpus`) and
//! our Flink pair, each with the producer template that feeds it, its rate,
//! an input schema when discovery would not name the columns as the SQL
//! spells them, and the reference table it joins.

use crate::i18n::T;

pub struct Example {
    /// For ids in the page and the tests (`#sql-ex-tumbling`).
    pub id: &'static str,
    pub label: T,
    pub about: T,
    pub sql: &'static str,
    pub template: &'static str,
    pub rate: u32,
    /// The input schema in its JSON form; None: discovered from the template.
    pub schema: Option<&'static str>,
    /// A reference table: its name and CSV object.
    pub reference: Option<(&'static str, &'static str)>,
}

const STOCKS: &str = include_str!("examples/stocks.tpl");
const STOCKS_EVENT: &str = include_str!("examples/stocks-event.tpl");
const STOCKS_TICKER: &str = include_str!("examples/stocks-ticker.tpl");
const HEART: &str = include_str!("examples/heart-rate.tpl");

pub const EXAMPLES: &[Example] = &[
    Example {
        id: "tumbling",
        label: T::SqlExTumbling,
        about: T::SqlExTumblingAbout,
        sql: include_str!("../../../../core/tests/sql_corpus/12-tumbling-concepts-app/app.sql"),
        template: STOCKS,
        rate: 20,
        schema: None,
        reference: None,
    },
    Example {
        id: "sliding",
        label: T::SqlExSliding,
        about: T::SqlExSlidingAbout,
        sql: include_str!("../../../../core/tests/sql_corpus/22-sliding-ex1-app/app.sql"),
        template: STOCKS,
        rate: 5,
        schema: None,
        reference: None,
    },
    Example {
        id: "stagger",
        label: T::SqlExStagger,
        about: T::SqlExStaggerAbout,
        sql: include_str!("../../../../core/tests/sql_corpus/31-stagger-concepts/app.sql"),
        template: STOCKS_EVENT,
        rate: 10,
        schema: None,
        reference: None,
    },
    Example {
        id: "stagger-time",
        label: T::SqlExStagger2,
        about: T::SqlExStagger2About,
        sql: include_str!("../../../../core/tests/sql_corpus/32-stagger-example/app.sql"),
        template: STOCKS_TICKER,
        rate: 2,
        schema: None,
        reference: None,
    },
    Example {
        id: "join",
        label: T::SqlExJoin,
        about: T::SqlExJoinAbout,
        sql: include_str!("../../../../core/tests/sql_corpus/41-reference-data-left-join/app.sql"),
        template: STOCKS,
        rate: 5,
        schema: None,
        reference: Some(("CompanyName", include_str!("examples/company-name.csv"))),
    },
    Example {
        id: "top-k",
        label: T::SqlExTopK,
        about: T::SqlExTopKAbout,
        sql: include_str!("../../../../core/tests/sql_corpus/51-top-k-items-tumbling/app.sql"),
        template: STOCKS_TICKER,
        rate: 50,
        schema: None,
        reference: None,
    },
    Example {
        id: "distinct",
        label: T::SqlExDistinct,
        about: T::SqlExDistinctAbout,
        sql: include_str!("../../../../core/tests/sql_corpus/52-count-distinct-items-tumbling/app.sql"),
        template: STOCKS,
        rate: 50,
        schema: None,
        reference: None,
    },
    Example {
        id: "rcf",
        label: T::SqlExRcf,
        about: T::SqlExRcfAbout,
        sql: include_str!("../../../../core/tests/sql_corpus/53-random-cut-forest/app.sql"),
        template: HEART,
        rate: 10,
        schema: Some(include_str!("examples/heart-rate.schema.json")),
        reference: None,
    },
    Example {
        id: "flink-tumble",
        label: T::SqlExFlinkTumble,
        about: T::SqlExFlinkTumbleAbout,
        sql: include_str!("examples/flink-tumble.sql"),
        template: STOCKS_EVENT,
        rate: 20,
        schema: None,
        reference: None,
    },
    Example {
        id: "flink-hop",
        label: T::SqlExFlinkHop,
        about: T::SqlExFlinkHopAbout,
        sql: include_str!("examples/flink-hop.sql"),
        template: STOCKS_EVENT,
        rate: 20,
        schema: None,
        reference: None,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use kinesis_lab_core::analytics::source::{discover, load_table, RecordSchema, TableFormat};
    use kinesis_lab_core::producer::template::{Filler, Template};

    #[test]
    fn every_example_has_a_template_and_a_schema_that_reads_its_records() {
        for ex in EXAMPLES {
            let t =
                Template::parse(ex.template.trim()).unwrap_or_else(|e| panic!("{}: {e:?}", ex.id));
            let mut f = Filler::new(1, "test");
            let sample: Vec<String> = (0..20)
                .map(|i| f.render(&t, i, 1_767_225_600_000 + i * 100))
                .collect();
            let schema = match ex.schema {
                Some(s) => RecordSchema::from_json(s).unwrap_or_else(|e| panic!("{}: {e}", ex.id)),
                None => {
                    let refs: Vec<&[u8]> = sample.iter().map(|s| s.as_bytes()).collect();
                    discover(&refs).unwrap_or_else(|e| panic!("{}: {e}", ex.id))
                }
            };
            for r in &sample {
                schema
                    .row(r.as_bytes())
                    .unwrap_or_else(|e| panic!("{}: {r}: {e}", ex.id));
            }
            if let Some((name, csv)) = ex.reference {
                load_table(name, csv.as_bytes(), TableFormat::Csv, None)
                    .unwrap_or_else(|e| panic!("{}: {e}", ex.id));
            }
        }
    }
}
