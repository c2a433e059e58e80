//! The seed's comparison tables (4.5, 4.6), its decision tree (4.7) and
//! its scenario → recommendation table, as data read from
//! `lessons/compare/guide.toml` (CONTRACT: owned by the guide helper).

use crate::lesson::Text;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    #[serde(default)]
    pub tables: Vec<Table>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    pub id: String,
    pub title: Text,
}
