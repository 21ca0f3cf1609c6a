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

    /// One line per stage in the order they started (`timing stage  12.3 ms`;
    /// a stage of another thread than the first is marked `∥`), then the total.
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
            out += &format!("timing {stage:<26} {:>10.1} ms\n", (stop - *start).as_secs_f64() * 1e3);
        }
        out += &format!("timing {:<26} {:>10.1} ms\n", "total", (end - *first).as_secs_f64() * 1e3);
        out
    }
}
