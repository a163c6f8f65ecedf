//! A lizi release binary as a child process on a loopback port.

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{ensure, Context};

/// A running lizi; killed and its data folder removed on drop.
pub struct Lizi {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The port.
    pub port: u16,
    dir: PathBuf,
}

impl Lizi {
    /// Starts `binary` with a fresh data folder, the given world file and extra flags.
    pub fn start(binary: &Path, world: &Path, flags: &[&str]) -> anyhow::Result<Lizi> {
        Lizi::start_in(binary, world, flags, Lizi::scratch()?)
    }

    /// Stops lizi with SIGTERM, as an operator would, and starts `binary` again on the same
    /// data folder.
    pub fn restart(mut self, binary: &Path, world: &Path, flags: &[&str]) -> anyhow::Result<Lizi> {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()?;
        ensure!(status.success(), "kill -TERM failed");
        self.child.wait()?;
        // The folder now belongs to the new process.
        let dir = std::mem::take(&mut self.dir);
        Lizi::start_in(binary, world, flags, dir)
    }

    /// Bytes on disk of the data folder's files.
    pub fn data_bytes(&self) -> anyhow::Result<u64> {
        use std::os::unix::fs::MetadataExt;
        let mut total = 0;
        for entry in std::fs::read_dir(self.dir.join("data"))? {
            total += entry?.metadata()?.blocks() * 512;
        }
        Ok(total)
    }

    /// Bytes of each table and index of the database (SQLite's `dbstat`), by name.
    pub fn table_bytes(&self) -> anyhow::Result<Vec<(String, u64)>> {
        let db = rusqlite::Connection::open_with_flags(
            self.dir.join("data").join("lizi.db"),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )?;
        let mut statement = db.prepare("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")?;
        let rows =
            statement.query_map([], |row| Ok((row.get(0)?, row.get::<_, i64>(1)? as u64)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Starts `binary` on the data folder inside `dir` (made when missing; kept as it is
    /// for a restart).
    pub fn start_in(
        binary: &Path,
        world: &Path,
        flags: &[&str],
        dir: PathBuf,
    ) -> anyhow::Result<Lizi> {
        let mut args: Vec<OsString> = vec!["--world".into(), world.into()];
        args.extend(flags.iter().map(OsString::from));
        Ok(Lizi::launch(binary, &args, dir, &[])?.0)
    }

    /// Starts `binary` with `args` on the data folder inside `dir`, logging at `warn` but
    /// lizi's own start-up lines; waits until it listens and has logged a line holding each
    /// of `marks`, and answers those lines.
    pub fn launch(
        binary: &Path,
        args: &[OsString],
        dir: PathBuf,
        marks: &[&str],
    ) -> anyhow::Result<(Lizi, Vec<String>)> {
        Lizi::launch_under(&[], binary, args, dir, marks)
    }

    /// As [`launch`](Lizi::launch), with lizi run by the command `wrapper` (a profiler,
    /// say: `valgrind --tool=callgrind`), which must keep lizi in its own process.
    pub fn launch_under(
        wrapper: &[OsString],
        binary: &Path,
        args: &[OsString],
        dir: PathBuf,
        marks: &[&str],
    ) -> anyhow::Result<(Lizi, Vec<String>)> {
        let mut command = match wrapper.split_first() {
            Some((program, wrapper_args)) => {
                let mut command = Command::new(program);
                command.args(wrapper_args).arg(binary);
                command
            }
            None => Command::new(binary),
        };
        let mut child = command
            .args([
                "--listen",
                "127.0.0.1:0",
                "--log",
                "warn,lizi=info,lizi_bridge=info",
                "--data",
            ])
            .arg(dir.join("data"))
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stderr = child.stderr.take().context("stderr")?;
        let (sender, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                // Once nobody waits for lines, they are read and dropped.
                let _ = sender.send(line);
            }
        });
        const MARK: &str = "listening on http://127.0.0.1:";
        let mut found: Vec<Option<String>> = vec![None; marks.len()];
        let mut port = None;
        while port.is_none() || found.iter().any(Option::is_none) {
            let line = lines
                .recv_timeout(Duration::from_secs(60))
                .context("lizi exited or fell silent before it was ready")?;
            for (mark, slot) in marks.iter().zip(&mut found) {
                if slot.is_none() && line.contains(mark) {
                    *slot = Some(line.clone());
                }
            }
            if let Some(at) = line.find(MARK) {
                let digits: String = line[at + MARK.len()..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                port = Some(digits.parse::<u16>()?);
            }
        }
        let port = port.context("no port")?;
        let found = found.into_iter().flatten().collect();
        let lizi = Lizi {
            child,
            base: format!("http://127.0.0.1:{port}"),
            port,
            dir,
        };
        Ok((lizi, found))
    }

    /// A fresh scratch folder for one lizi.
    pub fn scratch() -> anyhow::Result<PathBuf> {
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("lizi-bench-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        Ok(dir)
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory in bytes (from /proc).
    pub fn rss(&self) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmRSS")?;
        Ok(kib * 1024)
    }
}

impl Lizi {
    /// Bytes lizi has written through system calls so far (files and sockets, from /proc).
    pub fn bytes_written(&self) -> anyhow::Result<u64> {
        let io = std::fs::read_to_string(format!("/proc/{}/io", self.child.id()))?;
        io.lines()
            .find_map(|l| l.strip_prefix("wchar:"))
            .and_then(|v| v.trim().parse().ok())
            .context("no wchar")
    }

    /// CPU time used so far by each of lizi's threads, by thread name (from /proc).
    pub fn cpu_by_thread(&self) -> anyhow::Result<Vec<(String, Duration)>> {
        cpu_by_thread(&format!("/proc/{}/task", self.child.id()))
    }
}

impl Drop for Lizi {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::thread::sleep(Duration::from_millis(20));
        if !self.dir.as_os_str().is_empty() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Writes a world: framework accounts 10001.. (`accounts` of them, all online), users
/// 20001.. to make `members` in all, every one a member of group 40001 (owner 10001), and
/// a friendship 10001–20001.
pub fn world_file(dir: &Path, members: usize, accounts: usize) -> anyhow::Result<PathBuf> {
    let mut text = String::new();
    let mut uins: Vec<u64> = Vec::new();
    for i in 0..accounts.max(1) {
        let uin = 10001 + i as u64;
        text.push_str(&format!(
            "[[account]]\nuin = {uin}\nnickname = \"bot{i}\"\nonline = true\n"
        ));
        uins.push(uin);
    }
    for i in 0..members.saturating_sub(uins.len()).max(1) {
        let uin = 20001 + i as u64;
        text.push_str(&format!("[[user]]\nuin = {uin}\nnickname = \"user{i}\"\n"));
        uins.push(uin);
    }
    text.push_str("[[friend]]\na = 10001\nb = 20001\n");
    let list: Vec<String> = uins.iter().map(u64::to_string).collect();
    text.push_str(&format!(
        "[[group]]\ngin = 40001\nname = \"bench group\"\nowner = 10001\nmembers = [{}]\n",
        list.join(", ")
    ));
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("world-{members}-{accounts}.toml"));
    std::fs::write(&path, text)?;
    Ok(path)
}

/// CPU time used so far by this process (the load generator), from /proc.
pub fn own_cpu() -> Duration {
    cpu_by_thread("/proc/self/task")
        .map(|threads| threads.into_iter().map(|(_, used)| used).sum())
        .unwrap_or_default()
}

/// CPU time used so far by each thread name of the process whose task folder is `tasks`.
fn cpu_by_thread(tasks: &str) -> anyhow::Result<Vec<(String, Duration)>> {
    let mut threads: Vec<(String, Duration)> = Vec::new();
    for task in std::fs::read_dir(tasks).with_context(|| tasks.to_owned())? {
        let path = task?.path();
        // A thread may end between the listing and the reads.
        let (Ok(name), Ok(stat)) = (
            std::fs::read_to_string(path.join("comm")),
            std::fs::read_to_string(path.join("schedstat")),
        ) else {
            continue;
        };
        let nanos: u64 = stat
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .context("schedstat")?;
        let name = name.trim().to_owned();
        match threads.iter_mut().find(|(n, _)| *n == name) {
            Some((_, total)) => *total += Duration::from_nanos(nanos),
            None => threads.push((name, Duration::from_nanos(nanos))),
        }
    }
    Ok(threads)
}
