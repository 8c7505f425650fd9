//! `generated/` is exactly what the current specs and generator produce: the same check as
//! `cargo xtask check`, so a stale crate fails `cargo test` with the command that fixes it.

#[test]
fn generated_crates_match_the_specs() {
    let root = xtask::project_root();
    if let Err(problems) = xtask::check(&root) {
        panic!("{problems:#}");
    }
}
