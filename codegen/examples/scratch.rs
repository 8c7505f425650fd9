//! scratch
fn main() {
    let mut args = std::env::args().skip(1);
    let (f, out, name) = (args.next().unwrap(), args.next().unwrap(), args.next().unwrap());
    let t = std::fs::read_to_string(&f).unwrap();
    let t0 = std::time::Instant::now();
    let spec = codegen::Spec::parse(&t).unwrap();
    let t1 = t0.elapsed();
    let mut settings = codegen::Settings::new(name, "0.1.0");
    
    match codegen::generate(&spec, &settings) {
        Ok(o) => {
            println!("{f}: parse {t1:?} total {:?} ops {} types {}", t0.elapsed(), o.operations, o.types);
            for file in o.files { let p = std::path::Path::new(&out).join(&file.path); std::fs::create_dir_all(p.parent().unwrap()).unwrap(); std::fs::write(p, file.contents).unwrap(); }
        }
        Err(e) => println!("{f}: {e}"),
    }
}
