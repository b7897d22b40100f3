//! Shared pieces of the benchmarks: starting the real server binary (pinned to a core), HTTP
//! helpers, and latency histograms printed as one table.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use hdrhistogram::Histogram;

/// The release `api` binary next to this benchmark binary.
pub fn api_binary() -> PathBuf {
    let me = std::env::current_exe().expect("current exe");
    me.parent().expect("bin dir").join("api")
}

/// A running server process.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub port: u16,
}

impl Server {
    /// Starts `api` on a free port with `env`, pinned to `cpu` with taskset when given.
    pub fn start(
        data_dir: &Path,
        database_url: &str,
        env: &[(&str, String)],
        cpu: Option<usize>,
    ) -> anyhow::Result<Server> {
        // BENCH_SERVER_WRAPPER runs the server under a profiler, e.g. "heaptrack -o /tmp/api".
        let wrapper = std::env::var("BENCH_SERVER_WRAPPER").unwrap_or_default();
        let mut argv: Vec<String> = wrapper.split_whitespace().map(String::from).collect();
        if let Some(cpu) = cpu {
            argv.splice(
                0..0,
                ["taskset".to_string(), "-c".to_string(), cpu.to_string()],
            );
        }
        argv.push(api_binary().to_string_lossy().into_owned());
        let mut command = Command::new(&argv[0]);
        command.args(&argv[1..]);
        command
            .env("BIND", "127.0.0.1:0")
            .env("DATA_DIR", data_dir)
            .env("DATABASE_URL", database_url)
            .env("DEMO_SEED", "0")
            .env(
                "LOG",
                std::env::var("BENCH_SERVER_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .env("DASHBOARD_DIR", data_dir.join("none"))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn()?;
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let port = loop {
            let line = rx.recv_timeout(Duration::from_secs(120))?;
            if let Some(rest) = line.strip_prefix("Switchboard listening on http://127.0.0.1:") {
                break rest.trim().parse()?;
            }
        };
        Ok(Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            port,
        })
    }

    /// Resident memory of the server process, in KiB (from /proc).
    pub fn rss_kib(&self) -> u64 {
        rss_kib(self.child.id())
    }

    /// CPU time the server process has used so far, in milliseconds (from /proc).
    pub fn cpu_ms(&self) -> u64 {
        cpu_ms(self.child.id())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Resident memory of a process, in KiB.
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse()
                    .unwrap_or(0)
            })
        })
        .unwrap_or(0)
}

/// CPU time (user + system) a process has used so far, in milliseconds; 0 if it is gone.
pub fn cpu_ms(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| cpu_ms_of_stat(&stat))
        .unwrap_or(0)
}

/// CPU time used so far by every running process called `name` (all of PostgreSQL's, say), in
/// milliseconds. A process that exits between two readings takes its time with it, so compare
/// readings taken while the same processes run.
pub fn cpu_ms_of_all(name: &str) -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path().join("stat")).ok())
        .filter(|stat| {
            stat.split_once(" (")
                .and_then(|(_, r)| r.rsplit_once(')'))
                .map(|(comm, _)| comm)
                == Some(name)
        })
        .map(|stat| cpu_ms_of_stat(&stat))
        .sum()
}

/// utime + stime from a `/proc/<pid>/stat` line, in milliseconds (clock ticks are 1/100 s on
/// Linux: USER_HZ).
fn cpu_ms_of_stat(stat: &str) -> u64 {
    // The command name may hold spaces and parentheses: count fields after its last ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // Fields 14 and 15 of the line (utime, stime) are the 12th and 13th after the name.
    (ticks(11) + ticks(12)) * 10
}

/// The value after `--name` on the command line, or `default` when absent or unparsable.
pub fn arg<T: std::str::FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Pins the current process, every thread of it, to `cpu` (the load client runs on the other
/// core). `-a`: without it only the main thread moved, and the runtime's worker threads, started
/// before, went on running beside the server.
pub fn pin_self(cpu: usize) {
    let _ = Command::new("taskset")
        .arg("-apc")
        .arg(cpu.to_string())
        .arg(std::process::id().to_string())
        .stdout(Stdio::null())
        .status();
}

/// How fast this machine is today at the kind of work the server does, so that figures measured
/// on different days (the machine is shared: the same code measured 2x apart) can be compared:
/// the best of three runs, in milliseconds, of SQLite inserting 200,000 rows with an index, in
/// memory, on the calling thread. Lower is faster.
pub fn machine_reference_ms() -> anyhow::Result<f64> {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let mut best = f64::MAX;
    for _ in 0..3 {
        let mut conn = diesel::SqliteConnection::establish(":memory:")?;
        let started = std::time::Instant::now();
        conn.batch_execute(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT NOT NULL, b INTEGER NOT NULL);
             CREATE INDEX t_a ON t (a);
             WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 200000)
             INSERT INTO t (a, b) SELECT (x * 7919) % 100003, x FROM n;",
        )?;
        best = best.min(started.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(best)
}

/// Prints the machine reference (see [`machine_reference_ms`]) as one line.
pub fn print_machine_reference() -> anyhow::Result<()> {
    println!(
        "machine reference (SQLite, 200k indexed inserts in memory, best of 3; lower is faster): {:.0} ms",
        machine_reference_ms()?
    );
    Ok(())
}

/// A latency histogram in microseconds.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds")
}

/// Prints a header for [`row`].
pub fn header(title: &str) {
    println!("\n{title}");
    println!(
        "{:<52} {:>8} {:>9} {:>9} {:>9} {:>9}",
        "operation", "count", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
}

/// Prints one histogram as a table row.
pub fn row(name: &str, h: &Histogram<u64>) {
    let ms = |v: u64| v as f64 / 1000.0;
    println!(
        "{:<52} {:>8} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
        name,
        h.len(),
        ms(h.value_at_quantile(0.50)),
        ms(h.value_at_quantile(0.95)),
        ms(h.value_at_quantile(0.99)),
        ms(h.max())
    );
}
