//! A real headless Chromium driven over WebDriver (Debian's `chromium` and
//! `chromium-driver`), for the console's tests. Without them a test fails when `CI` is set
//! (`.ci/run` installs them) and is skipped, saying why, elsewhere.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// A Chromium session and the ChromeDriver behind it. ChromeDriver runs in a process
/// group of its own, with the browsers it starts, so that dropping this kills them all
/// and removes the browser's profile folder.
pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: PathBuf,
    shots: PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Ok(group) = i32::try_from(self.driver.id()) {
            // SAFETY: kill(2) with a negative pid signals that process group; no memory
            // is involved.
            unsafe {
                libc::kill(-group, libc::SIGKILL);
            }
        }
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

fn free_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    probe.local_addr().expect("addr").port()
}

impl Browser {
    /// Starts Chromium at `width`×`height`; `None` (with the reason printed) when it is not
    /// installed and `CI` is not set. Screenshots go to `target/tmp/console/<tag>/`.
    pub async fn start(tag: &str, width: u32, height: u32) -> Option<Browser> {
        let driver_path = find_program(&["chromedriver"]);
        let chromium = find_program(&["chromium", "chromium-browser", "google-chrome"]);
        let (Some(driver_path), Some(chromium)) = (driver_path, chromium) else {
            let why = "chromium and chromedriver are needed (Debian: apt-get install chromium chromium-driver)";
            if std::env::var_os("CI").is_some() {
                panic!("{why}");
            }
            eprintln!("skipped: {why}");
            return None;
        };
        let port = free_port();
        let profile = crate::common::temp_dir("chromium-profile");
        let driver = Command::new(driver_path)
            .process_group(0)
            // Chromium's scratch folders go with the profile, removed on drop.
            .env("TMPDIR", &profile)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let mut capabilities = Capabilities::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.display()),
                ],
                "prefs": {
                    "download.default_directory": profile.join("downloads"),
                    "download.prompt_for_download": false,
                },
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => break client,
                Err(error) if Instant::now() < deadline => {
                    let _ = error;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(error) => panic!("no WebDriver session: {error}"),
            }
        };
        let shots = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("console")
            .join(tag);
        let _ = std::fs::remove_dir_all(&shots);
        std::fs::create_dir_all(&shots).expect("screenshot folder");
        Some(Browser {
            client,
            driver,
            profile,
            shots,
        })
    }

    /// The folder the browser downloads files into.
    #[allow(dead_code)] // Only the recording's test downloads.
    pub fn downloads(&self) -> PathBuf {
        self.profile.join("downloads")
    }

    /// Saves a screenshot of the page as `<name>.png`; answers its path.
    pub async fn shot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let path = self.shots.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page.
    pub async fn run(&self, script: &str, args: Vec<Value>) -> Value {
        self.client.execute(script, args).await.expect("script")
    }

    /// Waits up to `seconds` for `script` to return a truthy value; answers it and how
    /// long it took.
    pub async fn until(&self, seconds: u64, what: &str, script: &str) -> (Value, Duration) {
        let started = Instant::now();
        loop {
            let value = self.run(script, vec![]).await;
            let truthy = !matches!(&value, Value::Null | Value::Bool(false))
                && value != json!("")
                && value != json!(0);
            if truthy {
                return (value, started.elapsed());
            }
            assert!(
                started.elapsed() < Duration::from_secs(seconds),
                "waited {seconds} s for {what}; script errors: {:?}",
                self.errors().await
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Clicks the element `css` selects, waiting for it; a click that finds the element
    /// just replaced by a live update is tried again.
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let element = self
                .client
                .wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("no element {css}: {e}"));
            match element.click().await {
                Ok(_) => return,
                Err(error) if error.to_string().contains("stale") && Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(25)).await;
                }
                Err(error) => panic!("click {css}: {error}"),
            }
        }
    }

    /// Types `text` into the element `css` selects (WebDriver key codes allowed).
    pub async fn type_into(&self, css: &str, text: &str) {
        let element = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"));
        element
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Waits until the chat of group `gin` is open and its composer enabled.
    pub async fn group_chat_opens(&self, gin: u64) {
        let script = format!(
            "return document.querySelector('#chat-title').textContent.includes('{gin}') \
             && !document.querySelector('#input').disabled"
        );
        self.until(10, "the group to open", &script).await;
    }

    /// The script errors the page recorded.
    pub async fn errors(&self) -> Value {
        self.client
            .execute(
                "return window.liziConsoleErrors || ['the console never loaded'];",
                vec![],
            )
            .await
            .unwrap_or(Value::Null)
    }
}
