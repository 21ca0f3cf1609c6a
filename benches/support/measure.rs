//! One run of a command, as the benches measure it: wall time, the child's
//! own peak memory (wait4's rusage), and how it exited.

use std::process::{Command, ExitStatus};
use std::time::Instant;

/// Wall time (s), peak resident memory (MiB) and exit status of one run of `cmd`.
pub fn run(cmd: &mut Command) -> (f64, f64, ExitStatus) {
    use std::os::unix::process::ExitStatusExt;
    cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    let t = Instant::now();
    // Reaped by wait4 below (which also gives its peak memory), not by `Child::wait`.
    #[allow(clippy::zombie_processes)]
    let child = cmd.spawn().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let mut status = 0;
    // SAFETY: rusage is plain data; zeroed is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // wait4 gives this child's own peak RSS (getrusage(RUSAGE_CHILDREN) would be the max over all children).
    // SAFETY: the pid is our own unreaped child; status and usage are valid for writes.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let wall = t.elapsed().as_secs_f64();
    assert!(pid > 0, "wait4 failed");
    (wall, usage.ru_maxrss as f64 / 1024.0, ExitStatus::from_raw(status))
}
