//! Running independent pieces of work on every core, with results in the order of the work.
//!
//! Rendering and formatting a large document's files is most of the generator's time, and
//! their pieces do not depend on each other. Threads take the next piece from a shared counter,
//! so a few large pieces and many small ones still keep every core busy; the results are put
//! back in order, so the output never depends on the interleaving.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// A piece of work that may run on any thread.
pub(crate) type Job<'a, R> = Box<dyn Fn() -> R + Send + Sync + 'a>;

/// Runs every job, on as many threads as there are cores (at most one per job), and returns
/// their results in the order of `jobs`. `None` when a job panicked (a generator bug; the
/// panic's message has been printed by then).
pub(crate) fn run<R: Send>(jobs: &[Job<'_, R>]) -> Option<Vec<R>> {
    let threads = thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(jobs.len());
    let next = AtomicUsize::new(0);
    let take_jobs = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(index) else {
                return done;
            };
            done.push((index, job()));
        }
    };
    let per_thread = thread::scope(|scope| {
        // Jobs run on spawned threads only, even the calling thread's share, so that a panic
        // comes back from `join` instead of unwinding through the caller.
        let workers: Vec<_> = (0..threads).map(|_| scope.spawn(take_jobs)).collect();
        let joined: Vec<_> = workers.into_iter().map(|worker| worker.join()).collect();
        joined.into_iter().collect::<Result<Vec<_>, _>>().ok()
    })?;
    let mut results: Vec<(usize, R)> = per_thread.into_iter().flatten().collect();
    results.sort_unstable_by_key(|(index, _)| *index);
    Some(results.into_iter().map(|(_, result)| result).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_the_order_of_the_jobs() {
        let jobs: Vec<Job<'_, usize>> = (0..100)
            .map(|i| -> Job<'_, usize> {
                Box::new(move || {
                    // Uneven work, so that threads finish out of order.
                    thread::sleep(std::time::Duration::from_micros(
                        ((i * 37) % 11) as u64 * 50,
                    ));
                    i * 2
                })
            })
            .collect();
        assert_eq!(run(&jobs), Some((0..100).map(|i| i * 2).collect()));
    }

    #[test]
    fn no_jobs_give_no_results() {
        assert_eq!(run::<u8>(&[]), Some(Vec::new()));
    }

    #[test]
    fn a_panicking_job_gives_none() {
        let jobs: Vec<Job<'_, u8>> =
            vec![Box::new(|| 1), Box::new(|| panic!("a bug")), Box::new(|| 3)];
        assert_eq!(run(&jobs), None);
    }
}
