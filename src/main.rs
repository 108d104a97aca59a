use std::process::ExitCode;

fn main() -> ExitCode {
    equiptrack::cli::main()
}
