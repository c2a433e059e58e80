//! The simulation clock: one gloo-timers interval per page, advancing
//! simulated time by `tick × speed` while running. Pages react to `now_ms`
//! and pass it to the engine; the engine never reads a clock.

use gloo_timers::callback::Interval;
use leptos::prelude::*;

/// Real milliseconds between ticks.
pub const TICK_MS: u32 = 50;

#[derive(Clone, Copy)]
pub struct SimClock {
    /// Simulated milliseconds since the run started.
    pub now_ms: RwSignal<u64>,
    pub running: RwSignal<bool>,
    /// Simulated milliseconds per 1,000 real milliseconds (1000 = real time).
    pub speed_milli: RwSignal<u32>,
    /// The most simulated time one tick may cover, so a page can keep each
    /// tick's work bounded (the Stream Lab sets it from its producers' load).
    pub max_step_ms: RwSignal<u64>,
}

impl SimClock {
    /// Simulated milliseconds one tick covers now.
    pub fn step_ms(&self) -> u64 {
        (TICK_MS as u64 * self.speed_milli.get() as u64 / 1000).min(self.max_step_ms.get())
    }

    fn step_ms_untracked(&self) -> u64 {
        (TICK_MS as u64 * self.speed_milli.get_untracked() as u64 / 1000)
            .min(self.max_step_ms.get_untracked())
    }
}

impl SimClock {
    pub fn reset(&self) {
        self.running.set(false);
        self.now_ms.set(0);
    }
}

/// Creates the page's clock. The interval exists only while running and is
/// dropped (cancelled) on pause and when the page unmounts.
pub fn use_sim_clock(speed_milli: u32) -> SimClock {
    let clock = SimClock {
        now_ms: RwSignal::new(0),
        running: RwSignal::new(false),
        speed_milli: RwSignal::new(speed_milli),
        max_step_ms: RwSignal::new(u64::MAX),
    };
    let timer = StoredValue::new_local(None::<Interval>);
    Effect::new(move |_| {
        let interval = clock.running.get().then(|| {
            Interval::new(TICK_MS, move || {
                let step = clock.step_ms_untracked();
                clock.now_ms.update(|t| *t += step);
            })
        });
        // Replacing the value drops (cancels) the previous interval; the
        // StoredValue itself is dropped with the page, cancelling the last one.
        timer.set_value(interval);
    });
    clock
}
