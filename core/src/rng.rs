//! Seeded randomness. The whole lab takes one `u64` seed; every component
//! derives its own generator from it and a stable label, so adding a
//! component never shifts the random numbers another one sees.

use md5::{Digest, Md5};
use rand::SeedableRng;
pub use rand_chacha::ChaCha8Rng as ComponentRng;

/// The generator for `component` under the lab seed `seed`.
pub fn component_rng(seed: u64, component: &str) -> ComponentRng {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..24].copy_from_slice(&Md5::digest(component.as_bytes()));
    ComponentRng::from_seed(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn same_seed_and_label_give_the_same_numbers() {
        let a: Vec<u64> = (0..8)
            .map({
                let mut r = component_rng(7, "keys");
                move |_| r.random()
            })
            .collect();
        let b: Vec<u64> = (0..8)
            .map({
                let mut r = component_rng(7, "keys");
                move |_| r.random()
            })
            .collect();
        assert_eq!(a, b);
    }

    #[test]
    fn labels_and_seeds_separate_streams() {
        let first = |seed, label| component_rng(seed, label).random::<u64>();
        assert_ne!(first(7, "keys"), first(7, "sizes"));
        assert_ne!(first(7, "keys"), first(8, "keys"));
    }
}
