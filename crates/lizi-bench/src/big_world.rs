//! Scenarios of a large world and of oversized messages: memory and start-up of a world of
//! 100,000 users, the cost of a send into a 10,000-member group against a 3-member one,
//! and 8 MiB texts refused without growing memory.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use serde_json::Value;

use crate::client::post;
use crate::load;
use crate::report::{info, judged, ratio};
use crate::server::Lizi;
use crate::{Bench, Figure};

/// Users of the large world.
const USERS: u64 = 100_000;
/// Groups of 100 members in the large world.
const GROUPS: u64 = 1_000;
/// The large group: 10,000 members, framework account 10001 among them.
const LARGE_GROUP: u64 = 40_001;
/// The small group: 10001 and two users.
const SMALL_GROUP: u64 = 40_002;

/// Writes the large world: framework account 10001 (online); users 20001..=120000; group
/// 40001 of 10,000 members (owner 10001); group 40002 of 3 (owner 10001); groups
/// 50001..=51000 of 100 users each (the owner among them); 10001 is a friend of 20001.
pub fn large_world_file(dir: &Path) -> anyhow::Result<PathBuf> {
    let mut text = String::with_capacity(8 << 20);
    text.push_str("[[account]]\nuin = 10001\nnickname = \"bot\"\nonline = true\n");
    for i in 0..USERS {
        let uin = 20_001 + i;
        writeln!(text, "[[user]]\nuin = {uin}\nnickname = \"user{i}\"")?;
    }
    text.push_str("[[friend]]\na = 10001\nb = 20001\n");
    let list = |uins: &mut dyn Iterator<Item = u64>| {
        uins.map(|u| u.to_string()).collect::<Vec<_>>().join(", ")
    };
    let large = list(&mut (20_001..20_001 + 9_999));
    writeln!(
        text,
        "[[group]]\ngin = {LARGE_GROUP}\nname = \"large\"\nowner = 10001\nmembers = [{large}]"
    )?;
    writeln!(
        text,
        "[[group]]\ngin = {SMALL_GROUP}\nname = \"small\"\nowner = 10001\nmembers = [20001, 20002]"
    )?;
    for g in 0..GROUPS {
        let first = 20_001 + (g * 100) % USERS;
        let members = list(&mut (first..first + 100));
        writeln!(
            text,
            "[[group]]\ngin = {}\nname = \"group {g}\"\nowner = {first}\nmembers = [{members}]",
            50_001 + g
        )?;
    }
    std::fs::create_dir_all(dir)?;
    let path = dir.join("world-large.toml");
    std::fs::write(&path, text)?;
    Ok(path)
}

/// Resident memory of `lizi` in MB, once it has settled (the seeding record applied
/// to the database, freed memory purged).
async fn settled_rss(lizi: &Lizi) -> anyhow::Result<f64> {
    tokio::time::sleep(Duration::from_secs(2)).await;
    Ok(lizi.rss()? as f64 / 1_048_576.0)
}

/// Memory and start-up of the large world (first seeding, then a restart), and the cost
/// of a send into its 10,000-member group against its 3-member group.
pub async fn large_world(bench: &Bench) -> anyhow::Result<Vec<Figure>> {
    let world = large_world_file(&bench.dir)?;
    let started = Instant::now();
    let lizi = Lizi::start(&bench.binary, &world, &[])?;
    let seeding = started.elapsed().as_secs_f64();
    let seeded_rss = settled_rss(&lizi).await?;
    let started = Instant::now();
    let lizi = lizi.restart(&bench.binary, &world, &[])?;
    let restart = started.elapsed().as_secs_f64();
    let loaded_rss = settled_rss(&lizi).await?;

    let send = |gin: u64| {
        move |i: u64| {
            (
                "/sendgroupmsg".to_owned(),
                format!("fromqq=10001&togroup={gin}&text=bench+message+{i}"),
            )
        }
    };
    load::run(
        &lizi.base,
        bench.connections,
        Duration::from_millis(300),
        send(LARGE_GROUP),
    )
    .await;
    // Interleaved twice; the better run of each counts.
    let (mut large, mut small) = (0.0f64, 0.0f64);
    for _round in 0..2 {
        for (gin, best) in [(LARGE_GROUP, &mut large), (SMALL_GROUP, &mut small)] {
            let sends = load::run(&lizi.base, bench.connections, bench.phase, send(gin)).await;
            ensure!(sends.errors == 0, "group {gin}: {} errors", sends.errors);
            *best = best.max(sends.rps());
        }
    }
    let cost = small / large;
    let rss = seeded_rss.max(loaded_rss);
    let slowest = seeding.max(restart);
    Ok(vec![
        info(
            "large world: first start (seeding) / restart",
            format!("{seeding:.1} s / {restart:.1} s"),
        ),
        judged(
            "large world: slower of the two starts",
            format!("{slowest:.1} s"),
            "<= 10 s",
            slowest <= 10.0,
        ),
        info(
            "large world: memory seeded / loaded",
            format!("{seeded_rss:.1} MB / {loaded_rss:.1} MB"),
        ),
        judged(
            "large world: resident memory",
            format!("{rss:.1} MB"),
            "< 100 MB",
            rss < 100.0,
        ),
        info(
            "/sendgroupmsg into 10,000 members / into 3",
            format!("{large:.0} / {small:.0} req/s"),
        ),
        ratio(
            "send cost, 10,000-member group / 3-member group",
            cost,
            "<= 1.3",
            cost <= 1.3,
        ),
    ])
}

/// Twenty 8 MiB texts, each refused as too long, quickly and without growing memory.
pub async fn oversized(bench: &Bench) -> anyhow::Result<Vec<Figure>> {
    const SENDS: usize = 20;
    let world = crate::server::world_file(&bench.dir, 50, 1)?;
    let lizi = Lizi::start(&bench.binary, &world, &[])?;
    let before = settled_rss(&lizi).await?;
    let body = format!("fromqq=10001&togroup=40001&text={}", "a".repeat(8 << 20));
    let client = reqwest::Client::new();
    let started = Instant::now();
    for _ in 0..SENDS {
        let answer: Value =
            serde_json::from_str(&post(&client, &lizi.base, "/sendgroupmsg", &body).await?)?;
        let inner: Value =
            serde_json::from_str(answer["ret"].as_str().context("no retcode text")?)?;
        ensure!(inner["retcode"] == 12, "not refused as too long: {inner}");
    }
    let each = started.elapsed().as_secs_f64() * 1000.0 / SENDS as f64;
    let after = settled_rss(&lizi).await?;
    let growth = after - before;
    Ok(vec![
        judged(
            "twenty 8 MiB texts: time to refuse one (sending included)",
            format!("{each:.0} ms"),
            "<= 1000 ms",
            each <= 1000.0,
        ),
        info(
            "twenty 8 MiB texts: memory before / after",
            format!("{before:.1} MB / {after:.1} MB"),
        ),
        judged(
            "twenty 8 MiB texts refused: memory growth",
            format!("{growth:.1} MB"),
            "<= 20 MB",
            growth <= 20.0,
        ),
    ])
}
