//! Values derived from stored data and kept in memory, bounded.

use std::collections::HashMap;

/// Values derived from stored claims (their match features), kept for the
/// linker: claims never change once written, so nothing is invalidated. Two
/// generations bound the memory: when the young one fills, it becomes the old
/// one and the old one is dropped.
pub struct DerivedCache<K, V> {
    cap: usize,
    gens: std::sync::Mutex<(HashMap<K, V>, HashMap<K, V>)>,
}

impl<K: Eq + std::hash::Hash + Copy, V: Clone> DerivedCache<K, V> {
    pub fn new(cap: usize) -> Self {
        DerivedCache {
            cap,
            gens: std::sync::Mutex::new((HashMap::new(), HashMap::new())),
        }
    }

    pub fn get(&self, k: &K) -> Option<V> {
        let mut g = self.gens.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(v) = g.0.get(k) {
            return Some(v.clone());
        }
        let v = g.1.remove(k)?;
        let dropped = Self::put(&mut g, self.cap, *k, v.clone());
        drop(g);
        drop(dropped);
        Some(v)
    }

    pub fn insert(&self, k: K, v: V) {
        let mut g = self.gens.lock().unwrap_or_else(|p| p.into_inner());
        let dropped = Self::put(&mut g, self.cap, k, v);
        drop(g);
        // A whole generation is freed outside the lock, not while every
        // other reader waits on it.
        drop(dropped);
    }

    /// Inserts, and returns the old generation when the young one took its place.
    #[must_use]
    fn put(g: &mut (HashMap<K, V>, HashMap<K, V>), cap: usize, k: K, v: V) -> HashMap<K, V> {
        let mut dropped = HashMap::new();
        if g.0.len() >= cap {
            dropped = std::mem::replace(&mut g.1, std::mem::take(&mut g.0));
        }
        g.0.insert(k, v);
        dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_keeps_recent_values_within_two_generations() {
        let c = DerivedCache::new(2);
        c.insert(1, "a");
        c.insert(2, "b");
        c.insert(3, "c"); // 1 and 2 move to the old generation
        assert_eq!(c.get(&1), Some("a")); // promoted
        c.insert(4, "d");
        c.insert(5, "e"); // the old generation (with 2) is dropped
        assert_eq!(c.get(&2), None);
        assert_eq!(c.get(&5), Some("e"));
    }
}
