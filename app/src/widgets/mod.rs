//! Pieces shared by pages and lesson steps. The lesson widgets act on a
//! [`LabHandle`]: every change is an engine `Action`, so what a student does
//! can be replayed, checked against goals and shared as a link.

pub mod bill;
pub mod chart;
pub mod compare;
pub mod compare_text;
pub mod decide;
pub mod copy_link;
pub mod distribution;
pub mod fan_out;
pub mod firehose;
pub mod kcl;
pub mod kpl;
pub mod key_histogram;
pub mod key_router;
pub mod keyspace;
pub mod run_stats;
pub mod sql;
pub mod stream_console;
pub mod update_banner;
pub mod video;

use kinesis_lab_core::error::ValidationError;
use kinesis_lab_core::lesson::lab::{Action, Lab, LabError};
use leptos::prelude::*;

/// A lesson's lab state and the actions that built it.
#[derive(Clone, Copy)]
pub struct LabHandle {
    pub lab: RwSignal<Lab>,
    pub log: RwSignal<Vec<Action>>,
}

impl LabHandle {
    pub fn new(lab: Lab) -> Self {
        LabHandle {
            lab: RwSignal::new(lab),
            log: RwSignal::new(Vec::new()),
        }
    }

    /// Applies an action through the engine. On error nothing changes and the
    /// error is returned for the widget to show beside its field.
    pub fn apply(&self, action: Action) -> Result<(), LabError> {
        let mut result = Ok(());
        self.lab.maybe_update(|lab| {
            result = lab.apply(&action);
            result.is_ok()
        });
        if result.is_ok() {
            self.log.update(|l| l.push(action));
        }
        result
    }
}

/// The field error of a refused action, for widgets whose actions have
/// fields (a console line's error is shown by the console instead).
pub fn field_error(e: LabError) -> Option<ValidationError> {
    match e {
        LabError::Invalid(v) => Some(v),
        LabError::Console(_)
        | LabError::Kcl(_)
        | LabError::Firehose(_)
        | LabError::Sql(_)
        | LabError::Compare(_)
        | LabError::Video(_) => None,
    }
}
