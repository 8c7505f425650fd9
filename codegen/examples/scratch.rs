//! Development timing harness (not part of the product).
fn main() {
    let f = std::env::args().nth(1).expect("spec path");
    let t = std::fs::read_to_string(&f).expect("read");
    let t0 = std::time::Instant::now();
    let spec = codegen::Spec::parse(&t).expect("parse");
    let t1 = t0.elapsed();
    let o = codegen::generate(&spec, &codegen::Settings::new("x", "0.1.0")).expect("generate");
    println!("parse {t1:?} total {:?} files {}", t0.elapsed(), o.files.len());
}
