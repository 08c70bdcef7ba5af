use clap::Parser;

fn main() {
    let cli = jobsim::cli::Cli::parse();
    std::process::exit(jobsim::cli::main(cli));
}
