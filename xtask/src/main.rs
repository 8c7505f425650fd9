//! `cargo xtask`: see the library docs and `cargo xtask --help`.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let flags = xtask::flags::Xtask::parse();
    match xtask::run(&xtask::project_root(), flags) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            let code = error
                .downcast_ref::<xtask::test_suite::StepFailed>()
                .map_or(1, |failed| failed.exit_code());
            ExitCode::from(code)
        }
    }
}
