flow_runtime::workflow! {
    extern node my.signal(x: f64) -> (y: f64)

    workflow w {
        node s = my.signal(x: 1)
        output y = s.y
    }
}

fn main() -> std::process::ExitCode {
    w::main()
}
