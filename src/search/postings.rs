//! Postings lists in memory, built from the change log at open and extended
//! after each commit. The store keeps the record (each unit's terms are in
//! its change); a candidate lookup here is a slice read.

/// An entry of a postings list: who, how often the term occurs there, and
/// how many index terms that text has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting<I> {
    pub id: I,
    pub tf: u16,
    pub len: u16,
}

use std::collections::HashMap;
use std::sync::RwLock;

pub struct MemIndex<I> {
    lists: RwLock<HashMap<Box<str>, Vec<Posting<I>>>>,
    /// The newest write whose postings are all here (0: none).
    mark: std::sync::atomic::AtomicU64,
}

impl<I: Copy> Default for MemIndex<I> {
    fn default() -> Self {
        MemIndex {
            lists: RwLock::new(HashMap::new()),
            mark: std::sync::atomic::AtomicU64::new(0),
        }
    }
}

impl<I: Copy + Ord> MemIndex<I> {
    /// Appends postings; ids arrive in increasing order, so lists stay in key order.
    pub fn extend(&self, postings: impl IntoIterator<Item = (String, Posting<I>)>) {
        self.extend_through(postings, None)
    }

    /// Appends a write's postings and marks the write as indexed, both under
    /// the lock: a reader that sees the mark finds the postings.
    pub fn extend_through(
        &self,
        postings: impl IntoIterator<Item = (String, Posting<I>)>,
        mark: Option<u64>,
    ) {
        let mut lists = self.lists.write().unwrap_or_else(|p| p.into_inner());
        if let Some(m) = mark {
            self.mark.fetch_max(m, std::sync::atomic::Ordering::SeqCst);
        }
        for (term, p) in postings {
            let list = lists.entry(term.into_boxed_str()).or_default();
            match list.last() {
                Some(last) if last.id >= p.id => {
                    // Out of order (a load after appends): keep the list sorted.
                    let at = list.partition_point(|x| x.id < p.id);
                    if list.get(at).is_none_or(|x| x.id != p.id) {
                        list.insert(at, p);
                    }
                }
                _ => list.push(p),
            }
        }
    }

    /// The newest write whose postings are all here.
    pub fn mark(&self) -> Option<u64> {
        Some(self.mark.load(std::sync::atomic::Ordering::SeqCst)).filter(|&m| m > 0)
    }

    /// The first `limit` postings of a term from `from` on, in key order.
    pub fn get_from(&self, term: &str, from: I, limit: usize) -> Vec<Posting<I>> {
        let lists = self.lists.read().unwrap_or_else(|p| p.into_inner());
        lists
            .get(term)
            .map(|l| {
                let at = l.partition_point(|p| p.id < from);
                l[at..l.len().min(at.saturating_add(limit))].to_vec()
            })
            .unwrap_or_default()
    }

    /// The newest `limit` postings of a term before `before` (none: of all),
    /// in key order: a long list is read from its recent end, so a lookup
    /// costs the same however long the list has grown and still reaches
    /// the newest entries.
    pub fn newest(&self, term: &str, before: Option<I>, limit: usize) -> Vec<Posting<I>> {
        let mut out = Vec::new();
        self.with(term, before, limit, &mut |l| out = l.to_vec());
        out
    }

    /// Calls `f` with the newest `limit` postings of a term before `before`
    /// (none: of all), in place; not called for a term with no list.
    pub fn with(
        &self,
        term: &str,
        before: Option<I>,
        limit: usize,
        f: &mut dyn FnMut(&[Posting<I>]),
    ) {
        let lists = self.lists.read().unwrap_or_else(|p| p.into_inner());
        if let Some(l) = lists.get(term) {
            let end = before.map_or(l.len(), |b| l.partition_point(|p| p.id < b));
            f(&l[end.saturating_sub(limit)..end]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_stay_in_id_order_and_are_cut_at_the_limit() {
        let m = MemIndex::<u64>::default();
        let p = |id| Posting { id, tf: 1, len: 1 };
        m.extend([("a".to_string(), p(3)), ("a".to_string(), p(5))]);
        m.extend([("a".to_string(), p(4)), ("a".to_string(), p(5))]);
        let ids: Vec<u64> = m.newest("a", None, 10).iter().map(|p| p.id).collect();
        assert_eq!(ids, [3, 4, 5]);
        assert_eq!(m.newest("a", None, 2).len(), 2);
        assert!(m.newest("b", None, 2).is_empty());
        // Read from the recent end, before a bound or from the very end.
        let ids = |v: Vec<Posting<u64>>| v.iter().map(|p| p.id).collect::<Vec<_>>();
        assert_eq!(ids(m.newest("a", None, 2)), [4, 5]);
        assert_eq!(ids(m.newest("a", Some(5), 2)), [3, 4]);
        assert_eq!(ids(m.newest("a", Some(3), 2)), Vec::<u64>::new());
    }
}
