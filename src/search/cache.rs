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
        let mut g = self.lock();
        if let Some(v) = g.0.get(k) {
            return Some(v.clone());
        }
        let v = g.1.remove(k)?;
        self.put(g, *k, v.clone());
        Some(v)
    }

    pub fn insert(&self, k: K, v: V) {
        self.put(self.lock(), k, v);
    }

    fn lock(&self) -> Gens<'_, K, V> {
        self.gens.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Inserts under the held lock; when the young generation is full it
    /// becomes the old one, and the retired generation is freed after the
    /// lock is released, not while every reader waits on it.
    fn put(&self, mut g: Gens<'_, K, V>, k: K, v: V) {
        let mut retired = HashMap::new();
        if g.0.len() >= self.cap {
            let (young, old) = &mut *g;
            retired = std::mem::replace(old, std::mem::take(young));
        }
        g.0.insert(k, v);
        drop(g);
        drop(retired);
    }
}

/// The cache's two generations, locked.
type Gens<'a, K, V> = std::sync::MutexGuard<'a, (HashMap<K, V>, HashMap<K, V>)>;

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
