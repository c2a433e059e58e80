//! The KCL lease-cycle workload: a fleet of workers keeping the leases of a
//! stream's shards. Four workers start together on an empty 16-shard stream
//! and balance the leases by taking and stealing; after five simulated
//! minutes one worker dies, its leases expire and the others take them;
//! two minutes later it restarts and takes its leases back. Every worker
//! renews what it holds each renewer interval throughout. Ten simulated
//! minutes in all, with the KCL's default timings.
//!
//! Each shard's record processor also polls GetRecords on its (empty)
//! shard once a second, as the real fleet would, so the figure is the cost
//! of a whole idle fleet; [`LeaseWorkload::lease_operations`] counts only
//! lease renewals, takes and steals, which the figure is quoted per.

use crate::consumer::kcl::{KclApplication, KclConfig, KclEvent};
use crate::stream::engine::Engine;

pub const T0: u64 = 1_700_000_000_000;
pub const SHARDS: u32 = 16;
pub const WORKERS: usize = 4;
pub const MINUTES: u64 = 10;
const STREAM: &str = "leases";
const KILL_AT_MS: u64 = 5 * 60_000;
const RESTART_AT_MS: u64 = 7 * 60_000;

/// One fleet, ready to run (built outside the timing).
#[derive(Clone, Debug)]
pub struct LeaseFleet {
    engine: Engine,
    app: KclApplication,
    workers: Vec<String>,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct LeaseWorkload;

impl LeaseWorkload {
    /// The stream, the application and its four workers at `T0`.
    pub fn fleet(&self) -> LeaseFleet {
        let mut engine = Engine::new();
        // A valid name and shard count: these cannot fail.
        let _ = engine.create_stream(T0, STREAM, SHARDS);
        let mut app =
            KclApplication::new("bench-app", STREAM, KclConfig::default(), 9, &engine, T0)
                .expect("the bench application is valid");
        let workers = (0..WORKERS)
            .filter_map(|_| app.add_worker(T0).ok())
            .collect();
        LeaseFleet {
            engine,
            app,
            workers,
        }
    }

    /// Runs the ten minutes; returns the lease operations (renewals, takes
    /// and steals) the fleet made.
    pub fn run(&self, f: &mut LeaseFleet) -> u64 {
        let victim = f.workers.last().cloned().unwrap_or_default();
        f.app.run_until(&mut f.engine, T0 + KILL_AT_MS);
        let _ = f.app.kill_worker(&victim, T0 + KILL_AT_MS);
        f.app.run_until(&mut f.engine, T0 + RESTART_AT_MS);
        let _ = f.app.restart_worker(&victim, T0 + RESTART_AT_MS);
        f.app.run_until(&mut f.engine, T0 + MINUTES * 60_000);
        f.app
            .events()
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    KclEvent::LeaseRenewed { .. }
                        | KclEvent::LeaseTaken { .. }
                        | KclEvent::LeaseStolen { .. }
                )
            })
            .count() as u64
    }

    /// Lease operations in one run (the same every run: it is deterministic).
    pub fn lease_operations(&self) -> u64 {
        self.run(&mut self.fleet())
    }

    /// The simulated milliseconds one run covers.
    pub fn simulated_ms(&self) -> u64 {
        MINUTES * 60_000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fleet_balances_fails_over_and_takes_back() {
        let w = LeaseWorkload;
        let mut f = w.fleet();
        let ops = w.run(&mut f);
        // Renewals alone: 16 leases every 3,308 ms for ten minutes.
        assert!(ops > 16 * 170, "{ops} lease operations");
        let holders = f.app.holders();
        assert_eq!(
            holders.len(),
            SHARDS as usize,
            "every lease held: {holders:?}"
        );
        assert!(holders.values().all(|w| w.len() == 1), "once: {holders:?}");
        for id in &f.workers {
            let n = holders.values().filter(|w| w[0] == *id).count();
            assert_eq!(n, SHARDS as usize / WORKERS, "{id} balanced: {holders:?}");
        }
        let lost = f
            .app
            .events()
            .iter()
            .any(|e| matches!(e, KclEvent::WorkerKilled { .. }));
        assert!(lost);
        assert_eq!(w.lease_operations(), ops, "deterministic");
    }
}
