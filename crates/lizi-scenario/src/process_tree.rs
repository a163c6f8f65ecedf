//! Every process a bot started, however it detached itself, is found and killed.
//!
//! Killing the bot's process group is not enough: a child started with `setsid` leaves
//! the group, and a double-forked daemon leaves its parent. So `lizi test` becomes the
//! *child subreaper* (`PR_SET_CHILD_SUBREAPER`: every orphan below it is re-parented to
//! it, not to init), marks each bot with a cookie in its environment (inherited by every
//! descendant, as Jenkins' process-tree killer does with `BUILD_ID`), and kills a bot by
//! walking `/proc` for its descendants and for every process holding its cookie, until
//! none is left. Orphans re-parented to `lizi test` are reaped here; the bots' own shells
//! belong to tokio, which reaps them, so they are registered and left alone.
//!
//! Written by hand: the work is a `prctl`, a walk of `/proc` and `waitpid` on chosen
//! pids; the process crates (`sysinfo`, `procfs`) read far more than the two fields
//! needed and do not reap.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::process::{Child, Command};

/// The environment variable holding a bot's cookie.
const COOKIE_VAR: &str = "LIZI_TEST_BOT";

/// The most passes of a kill: each pass kills what the last one left (a process that was
/// forking while it was found).
const KILL_PASSES: usize = 50;

/// The pids of the bots' shells: tokio waits for them, so the reaper must not.
static SPAWNED: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Makes this process the child subreaper: orphans below it are re-parented to it.
/// Answers whether that took (Linux only).
pub fn become_subreaper() -> bool {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: prctl(2) with PR_SET_CHILD_SUBREAPER only sets a flag of this process.
        unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 }
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// A fresh cookie for one bot: this process's pid and a counter.
pub fn new_cookie() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Spawns `command` with `cookie` in its environment, its pid registered as tokio's to
/// reap (the registry's lock held meanwhile, so the reaper cannot take it first).
pub fn spawn_marked(command: &mut Command, cookie: &str) -> std::io::Result<Child> {
    command.env(COOKIE_VAR, cookie);
    let mut spawned = SPAWNED.lock().unwrap_or_else(PoisonError::into_inner);
    let child = command.spawn()?;
    if let Some(pid) = child.id() {
        spawned.push(pid);
    }
    Ok(child)
}

/// Forgets a bot's shell once tokio has reaped it.
pub fn forget(pid: u32) {
    let mut spawned = SPAWNED.lock().unwrap_or_else(PoisonError::into_inner);
    spawned.retain(|p| *p != pid);
}

/// One process as `/proc` shows it.
struct Proc {
    pid: u32,
    parent: u32,
    /// Exited, not yet reaped: nothing to kill.
    zombie: bool,
}

/// Every process of the system, with its parent.
fn processes() -> Vec<Proc> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let pid: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // `pid (comm) state ppid …`; comm may hold spaces and parentheses.
            let mut fields = stat[stat.rfind(')')? + 1..].split_whitespace();
            let zombie = fields.next()? == "Z";
            let parent = fields.next()?.parse().ok()?;
            Some(Proc {
                pid,
                parent,
                zombie,
            })
        })
        .collect()
}

/// Whether process `pid` holds `cookie` in its environment.
fn holds_cookie(pid: u32, cookie: &str) -> bool {
    let Ok(environ) = std::fs::read(format!("/proc/{pid}/environ")) else {
        return false;
    };
    let wanted = format!("{COOKIE_VAR}={cookie}");
    environ
        .split(|b| *b == 0)
        .any(|entry| entry == wanted.as_bytes())
}

/// The processes below `root` (not `root` itself) in `all`.
fn below(all: &[Proc], root: u32) -> HashSet<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for proc in all {
        children.entry(proc.parent).or_default().push(proc.pid);
    }
    let mut found = HashSet::new();
    let mut queue = vec![root];
    while let Some(pid) = queue.pop() {
        for child in children.get(&pid).into_iter().flatten() {
            if found.insert(*child) {
                queue.push(*child);
            }
        }
    }
    found
}

/// What a kill may reach: the processes below `root` (this process, or one below it),
/// and those holding `cookie`; never this process, nor init, nor a zombie.
fn family(root: Option<u32>, cookie: Option<&str>) -> HashSet<u32> {
    let all = processes();
    let own = std::process::id();
    let ours = below(&all, own);
    let mut found = match root {
        Some(root) if root == own => ours,
        Some(root) if ours.contains(&root) => below(&all, root),
        _ => HashSet::new(),
    };
    if let Some(cookie) = cookie {
        found.extend(
            all.iter()
                .filter(|p| holds_cookie(p.pid, cookie))
                .map(|p| p.pid),
        );
    }
    let zombies: HashSet<u32> = all.iter().filter(|p| p.zombie).map(|p| p.pid).collect();
    found.retain(|pid| *pid != own && *pid > 1 && !zombies.contains(pid));
    found
}

/// Kills a bot's shell `root` (while it is not reaped), every process below it and
/// every process holding its `cookie`, pass after pass until none is left; reaps what
/// was re-parented here.
pub fn kill_bot(root: Option<u32>, cookie: &str) {
    if let Some(root) = root {
        signal(root);
    }
    kill_passes(|| {
        let mut left = family(root, Some(cookie));
        if let Some(root) = root {
            left.remove(&root);
        }
        left
    });
}

/// Kills every process below this one, pass after pass until none is left, and reaps
/// them all but the bots' shells (tokio's): for a run that is interrupted.
pub fn kill_all_descendants() {
    kill_passes(|| family(Some(std::process::id()), None));
}

/// Kills what `find` finds, pass after pass until it finds nothing (a process may be
/// forking while it is found), reaping orphans as they go.
fn kill_passes(find: impl Fn() -> HashSet<u32>) {
    for _ in 0..KILL_PASSES {
        let left = find();
        if left.is_empty() {
            break;
        }
        for pid in left {
            signal(pid);
        }
        reap_orphans();
        std::thread::sleep(Duration::from_millis(2));
    }
    reap_orphans();
}

/// Kills every process below this one and waits for each of its children, the bots'
/// shells too: for the end of a run, once the runtime (which reaped the shells) is gone.
pub fn kill_and_reap_everything() {
    SPAWNED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clear();
    kill_all_descendants();
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    loop {
        let mut status = 0;
        // SAFETY: waitpid(2) on any child, without blocking; `status` is a valid place.
        let reaped = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
        if reaped > 0 {
            continue;
        }
        // 0: children left that have not exited yet; -1: none left (ECHILD).
        if reaped < 0 || std::time::Instant::now() >= deadline {
            break;
        }
        kill_all_descendants();
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// SIGKILL to one process (never to a group, nor to init).
fn signal(pid: u32) {
    if let Ok(pid @ 2..) = i32::try_from(pid) {
        // SAFETY: kill(2) on one pid; no memory is involved.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
    }
}

/// Reaps the orphans re-parented to this process that have exited (never the bots'
/// shells, which tokio waits for).
pub fn reap_orphans() {
    let own = std::process::id();
    let spawned = SPAWNED.lock().unwrap_or_else(PoisonError::into_inner);
    for proc in processes() {
        if proc.parent != own || spawned.contains(&proc.pid) {
            continue;
        }
        if let Ok(pid) = i32::try_from(proc.pid) {
            let mut status = 0;
            // SAFETY: waitpid(2) on one child of ours, without blocking; `status` is a
            // valid place for the result.
            unsafe {
                libc::waitpid(pid, &mut status, libc::WNOHANG);
            }
        }
    }
}

/// Reaps orphans as they exit, for as long as the run lasts: on every SIGCHLD, and once
/// a second in case one was missed.
pub async fn reap_while_running() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut exits) = signal(SignalKind::child()) else {
            return;
        };
        loop {
            let _ = tokio::time::timeout(Duration::from_secs(1), exits.recv()).await;
            let _ = tokio::task::spawn_blocking(reap_orphans).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kill_reaches_nothing_outside_this_process_and_its_cookie() {
        // Init, this test's parent, and a cookie no process holds: nothing to kill.
        let parent = std::os::unix::process::parent_id();
        assert!(family(Some(1), Some("no-such-cookie")).is_empty());
        assert!(family(Some(parent), None).is_empty());
        assert!(family(None, Some(&new_cookie())).is_empty());
        assert!(!family(Some(std::process::id()), None).contains(&std::process::id()));
    }

    #[test]
    fn a_bot_and_what_it_started_are_found_by_tree_and_by_cookie() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let cookie = new_cookie();
            let mut command = Command::new("sh");
            command.args(["-c", "setsid sleep 30 & sleep 30 & wait"]);
            let mut child = spawn_marked(&mut command, &cookie).expect("sh starts");
            let shell = child.id().expect("pid");
            let deadline = std::time::Instant::now() + Duration::from_secs(5);
            while family(Some(shell), Some(&cookie)).len() < 2 {
                assert!(
                    std::time::Instant::now() < deadline,
                    "the sleeps never started"
                );
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            let found = family(Some(shell), Some(&cookie));
            kill_bot(Some(shell), &cookie);
            child.wait().await.expect("reaped");
            forget(shell);
            // Killed: gone, or a zombie its new parent has not reaped yet.
            let left = family(None, Some(&cookie));
            assert!(left.is_empty(), "{left:?} of {found:?} live");
        });
    }
}
