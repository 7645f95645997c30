//! `clientcache-verify`: the benchmark and the demo.
//!
//! Run `cargo run --release -p clientcache-verify -- --help` for the commands.

use clap::{Parser, Subcommand};
use clientcache_verify::bench::{self, BenchConfig, subjects::SubjectKind};
use clientcache_verify::demo;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "clientcache-verify",
    about = "Benchmarks and demo for clientcache"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Single-thread throughput and memory, side by side with the peers (ns/op, medians).
    Bench {
        /// A seconds-long run that only checks the benchmark works.
        #[arg(long)]
        quick: bool,
        /// Subjects to run, comma separated (ours-lru, ours-lfu, hashmap, lru-crate,
        /// quick_cache, moka); all when omitted.
        #[arg(long, value_delimiter = ',')]
        subjects: Vec<String>,
        /// Skip the memory probe.
        #[arg(long)]
        no_memory: bool,
    },
    /// Builds expensive clients through the cache and prints what the cache saved.
    Demo,
    /// Internal: fills one subject in this process and prints RSS growth per entry.
    #[command(hide = true)]
    MemoryProbe {
        #[arg(long)]
        subject: String,
        #[arg(long)]
        entries: usize,
    },
}

fn parse_subjects(names: &[String]) -> Result<Vec<SubjectKind>, String> {
    if names.is_empty() {
        return Ok(SubjectKind::ALL.to_vec());
    }
    names
        .iter()
        .map(|name| {
            SubjectKind::from_slug(name).ok_or_else(|| {
                let known: Vec<&str> = SubjectKind::ALL.iter().map(|k| k.slug()).collect();
                format!("unknown subject `{name}`; choose from {}", known.join(", "))
            })
        })
        .collect()
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Bench {
            quick,
            subjects,
            no_memory,
        } => {
            let subjects = parse_subjects(&subjects)?;
            let config = if quick {
                BenchConfig::QUICK
            } else {
                BenchConfig::FULL
            };
            let rows = bench::run(&subjects, config);
            println!("{}", bench::render(&rows, &subjects));
            if !no_memory {
                println!(
                    "| memory @{} entries | bytes/entry (RSS growth) |",
                    config.memory_entries
                );
                println!("|---|---:|");
                for kind in &subjects {
                    let bytes = bench::memory::measure(*kind, config.memory_entries)?;
                    println!("| {} | {bytes:.1} |", kind.name());
                }
            }
            Ok(())
        }
        Command::Demo => demo::run(&mut std::io::stdout()).map_err(|e| e.to_string()),
        Command::MemoryProbe { subject, entries } => {
            let kind = parse_subjects(&[subject])?[0];
            println!("{}", bench::memory::probe(kind, entries)?);
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
