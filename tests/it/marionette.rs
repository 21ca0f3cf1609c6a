//! A small client of Firefox's own remote protocol, Marionette: enough to
//! drive Debian's headless `firefox-esr` from tests (navigate, evaluate)
//! without geckodriver, which Debian does not package. A second browser
//! engine for what the site promises in any browser: the same ranking as the
//! CLI, and learning progress kept across pages opened from `file://`.
//!
//! The protocol: after a greeting, each message is `LENGTH:JSON`; a command
//! is `[0, id, name, params]`, its answer `[1, id, error, result]`.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Firefox binary: `$HANDBOOK_FIREFOX`, else the first of the usual names on PATH.
pub fn firefox() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("HANDBOOK_FIREFOX") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).flat_map(|d| ["firefox-esr", "firefox"].map(|n| d.join(n))).find(|p| p.is_file())
}

pub struct Firefox {
    child: Child,
    stream: BufReader<TcpStream>,
    next_id: u64,
    _profile: tempfile::TempDir,
}

/// Preferences for a quiet test profile: Marionette on a free port (written
/// to `MarionetteActivePort`), no first-run pages, updates or reports.
const PREFS: &str = r#"
user_pref("marionette.port", 0);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("browser.aboutwelcome.enabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
user_pref("app.update.disabledForTesting", true);
user_pref("app.normandy.enabled", false);
user_pref("browser.safebrowsing.update.enabled", false);
user_pref("extensions.update.enabled", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
"#;

impl Firefox {
    pub fn launch(binary: &Path) -> Firefox {
        let profile = tempfile::tempdir().unwrap();
        std::fs::write(profile.path().join("user.js"), PREFS).unwrap();
        let child = Command::new(binary)
            .args(["--headless", "--marionette", "--no-remote", "--profile"])
            .arg(profile.path())
            .arg("about:blank")
            .env("MOZ_CRASHREPORTER_DISABLE", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("firefox starts");
        let port_file = profile.path().join("MarionetteActivePort");
        let deadline = Instant::now() + Duration::from_secs(60);
        let stream = loop {
            let port = std::fs::read_to_string(&port_file).ok().and_then(|p| p.trim().parse::<u16>().ok());
            if let Some(s) = port.and_then(|p| TcpStream::connect(("127.0.0.1", p)).ok()) {
                break s;
            }
            assert!(Instant::now() < deadline, "Firefox did not open Marionette within a minute");
            std::thread::sleep(Duration::from_millis(100));
        };
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut ff = Firefox { child, stream: BufReader::new(stream), next_id: 0, _profile: profile };
        let hello = ff.read();
        assert_eq!(hello["applicationType"], "gecko", "{hello}");
        ff.call("WebDriver:NewSession", json!({ "capabilities": { "alwaysMatch": { "pageLoadStrategy": "normal" } } }));
        ff
    }

    fn read(&mut self) -> Value {
        let mut len = Vec::new();
        self.stream.read_until(b':', &mut len).expect("Marionette answers");
        let len: usize = std::str::from_utf8(&len[..len.len() - 1]).unwrap().parse().expect("a length");
        let mut body = vec![0; len];
        self.stream.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    /// Sends a command and returns its result; panics on a protocol error.
    pub fn call(&mut self, name: &str, params: Value) -> Value {
        self.next_id += 1;
        let msg = json!([0, self.next_id, name, params]).to_string();
        let stream = self.stream.get_mut();
        stream.write_all(format!("{}:{msg}", msg.len()).as_bytes()).unwrap();
        loop {
            let answer = self.read();
            if answer[0] == 1 && answer[1] == self.next_id {
                assert!(answer[2].is_null(), "{name}: {}", answer[2]);
                return answer[3].clone();
            }
        }
    }

    /// Opens `url` and waits for its load.
    pub fn goto(&mut self, url: &str) {
        self.call("WebDriver:Navigate", json!({ "url": url }));
    }

    /// The value of a JavaScript expression in the page (a promise is awaited).
    pub fn eval(&mut self, expr: &str) -> Value {
        let script = format!(
            "const done = arguments[arguments.length - 1]; Promise.resolve({expr}).then(done, e => done({{ error: String(e) }}));"
        );
        let result = self.call("WebDriver:ExecuteAsyncScript", json!({ "script": script, "args": [] }));
        result["value"].clone()
    }

    /// Waits until a JavaScript expression is true in the page.
    pub fn wait_for(&mut self, expr: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.eval(&format!("!!({expr})")) != json!(true) {
            assert!(Instant::now() < deadline, "timed out waiting for {expr}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Firefox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
