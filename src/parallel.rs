//! Work on every core: the few places where the pipeline fans out.

/// The cores this process may use, asked once (std reads the cgroup quota
/// files on every call).
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `f` over `items` on every core, results in order, when `worth_it` (the
/// work outweighs starting a thread, some 50 µs) and there are two or more.
/// Items are claimed one at a time, so one big file does not hold up the rest;
/// the calling thread takes its share.
pub fn map<T: Sync, R: Send>(items: &[T], worth_it: bool, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = cores().min(items.len());
    if threads <= 1 || !worth_it {
        return items.iter().map(&f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(item) = items.get(i) else { break done };
            done.push((i, f(item)));
        }
    };
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut done = work();
        for h in helpers {
            done.extend(h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        done
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_order_of_the_items_however_uneven_the_work() {
        let items: Vec<u64> = (0..40).map(|i| if i % 7 == 0 { 200_000 } else { i }).collect();
        let work = |&n: &u64| (0..n).fold(n, |a, x| a.wrapping_mul(31).wrapping_add(x));
        let serial: Vec<u64> = items.iter().map(work).collect();
        assert_eq!(super::map(&items, true, work), serial);
        assert_eq!(super::map(&items, false, work), serial);
        assert_eq!(super::map(&[] as &[u64], true, work), Vec::<u64>::new());
    }
}
