//! Compiles the benchmark flows in `flows/` with the real front end and code generator, so
//! the benchmarks measure exactly what `flowc build` produces.

use std::path::Path;

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for name in ["chain3", "wide50", "px_only"] {
        let path = Path::new("flows").join(format!("{name}.flow"));
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).expect("the bench flow is readable");
        let analysis = flow_compiler::analyze(name, &text, &mut flow_compiler::check::NoFiles);
        assert!(
            !analysis.has_errors(),
            "{name}.flow must check: {:?}",
            analysis.diagnostics
        );
        let config = flow_compiler::codegen::Config {
            main: false,
            ..Default::default()
        };
        let rust = flow_compiler::codegen::emit(&analysis.graphs[0], &config);
        std::fs::write(Path::new(&out).join(format!("{name}.rs")), rust)
            .expect("OUT_DIR is writable");
    }
}
