//! Progress and timing: stages say when they start, a front end shows it.

use std::sync::Mutex;
use std::thread::ThreadId;
use std::time::Instant;

/// Told the name of each stage as it starts; called from more than one thread
/// (the search index is built beside the pages), so an empty name ends the
/// calling thread's last stage.
pub type Progress<'a> = &'a (dyn Fn(&str) + Sync);

/// A [`Progress`] that ignores everything.
pub fn quiet(_: &str) {}

/// Times the stages reported to a [`Progress`], per thread (`build --timings`,
/// `HANDBOOK_TIMINGS=1 handbook serve`).
#[derive(Default)]
pub struct Stopwatch {
    laps: Mutex<Vec<(ThreadId, String, Instant)>>,
}

impl Stopwatch {
    pub fn lap(&self, stage: &str) {
        let lap = (std::thread::current().id(), stage.to_string(), Instant::now());
        self.laps.lock().unwrap_or_else(|e| e.into_inner()).push(lap);
    }

    /// One line per stage in the order they started (`timing stage  12.3 ms
    /// from 40.1 ms`: how long it took, and when it started, which tells what
    /// overlapped what; a stage of another thread than the first is marked
    /// `∥`), then the total.
    pub fn table(&self) -> String {
        let end = Instant::now();
        let laps = self.laps.lock().unwrap_or_else(|e| e.into_inner());
        let Some((main, _, first)) = laps.first() else { return String::new() };
        let mut out = String::new();
        for (i, (thread, stage, start)) in laps.iter().enumerate() {
            if stage.is_empty() {
                continue;
            }
            let stop = laps[i + 1..].iter().find(|l| l.0 == *thread).map_or(end, |l| l.2);
            let stage = if thread == main { stage.clone() } else { format!("∥ {stage}") };
            let (took, from) = ((stop - *start).as_secs_f64() * 1e3, (*start - *first).as_secs_f64() * 1e3);
            out += &format!("timing {stage:<26} {took:>10.1} ms   from {from:>6.1} ms\n");
        }
        out += &format!("timing {:<26} {:>10.1} ms\n", "total", (end - *first).as_secs_f64() * 1e3);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Stopwatch;
    use std::time::Duration;

    /// (stage, took, from) of each line but the total.
    fn rows(table: &str) -> Vec<(String, f64, f64)> {
        table
            .lines()
            .filter(|l| !l.starts_with("timing total"))
            .map(|l| {
                let (stage, rest) = l.strip_prefix("timing ").unwrap().split_once("  ").unwrap();
                let nums: Vec<f64> = rest.split_whitespace().filter_map(|w| w.parse().ok()).collect();
                (stage.trim().to_string(), nums[0], nums[1])
            })
            .collect()
    }

    #[test]
    fn each_stage_says_how_long_it_took_and_when_it_started() {
        let watch = Stopwatch::default();
        watch.lap("first");
        std::thread::sleep(Duration::from_millis(20));
        std::thread::scope(|s| {
            s.spawn(|| {
                watch.lap("beside");
                std::thread::sleep(Duration::from_millis(30));
                watch.lap("");
            });
            std::thread::sleep(Duration::from_millis(5));
            watch.lap("second");
        });
        let table = watch.table();
        let rows = rows(&table);
        let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(names, ["first", "∥ beside", "second"], "{table}");
        let (first, beside, second) = (&rows[0], &rows[1], &rows[2]);
        assert_eq!(first.2, 0.0, "the first stage starts the clock: {table}");
        assert!(first.1 >= 20.0 && beside.2 >= 20.0, "{table}");
        // The other thread's stage ends at its own empty lap, not when the main thread's next one starts.
        assert!(beside.1 >= 30.0 && second.2 < beside.2 + beside.1, "{table}");
        assert!(second.2 >= beside.2, "{table}");
    }
}
