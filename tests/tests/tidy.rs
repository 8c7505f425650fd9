//! The repository's tidy checks (`xtask::tidy`): formatting of the hand-written crates, no API
//! names in the generator or the runtime, no I/O in the generator, the pipeline's imports, a
//! complete code map, no overlong functions.

#[test]
fn the_repository_is_tidy() {
    let root = xtask::project_root();
    let problems = xtask::tidy::problems(&root).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(
        problems.is_empty(),
        "{} tidy problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
