//! The lessons and quiz bank, validated and rendered to HTML at build time
//! (see build.rs) and embedded in the wasm.

use kinesis_lab_core::lesson::Catalog;
use std::sync::OnceLock;

static JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/catalog.json"));

/// The catalog. The build script wrote it from the same types, so reading it
/// cannot fail; if it somehow did, the lab shows no lessons instead of crashing.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        serde_json::from_str(JSON).unwrap_or(Catalog {
            sections: Vec::new(),
            lessons: Vec::new(),
            quiz: Vec::new(),
            guide: Default::default(),
        })
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn embedded_catalog_reads_back() {
        let c: kinesis_lab_core::lesson::Catalog = serde_json::from_str(super::JSON).unwrap();
        assert!(!c.lessons.is_empty());
        // Markdown was rendered, and raw HTML would have been escaped.
        assert!(c.lessons[0].steps[0].text.en.starts_with('<'));
    }
}
