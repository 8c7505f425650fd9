//! The calling thread's CPU time.
//!
//! Decoding is single-threaded CPU work; measuring it in CPU time rather than wall time keeps
//! the figures meaningful on a shared machine, where the benchmark thread may wait for a CPU.
#![allow(unsafe_code)]

use std::time::Duration;

/// CPU time consumed by the calling thread so far (`CLOCK_THREAD_CPUTIME_ID`).
pub fn thread_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable `timespec`; the call writes only to it.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(rc, 0, "CLOCK_THREAD_CPUTIME_ID is supported on Linux");
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}
