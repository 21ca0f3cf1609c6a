//! A small Chrome DevTools Protocol client over `--remote-debugging-pipe`:
//! enough to drive Debian's headless Chromium from tests (navigate, type,
//! press keys, evaluate, watch every network request) without a WebDriver
//! process or a large CDP crate.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The Chromium binary: `$HANDBOOK_CHROMIUM`, else the first of the usual names on PATH.
pub fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("HANDBOOK_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

pub struct Browser {
    child: Child,
    writer: std::fs::File,
    incoming: Receiver<Value>,
    next_id: u64,
    /// Every event received, in order (Network.requestWillBeSent among them).
    pub events: Arc<Mutex<Vec<Value>>>,
    _profile: tempfile::TempDir,
}

pub struct Page<'b> {
    browser: &'b mut Browser,
    session: String,
}

fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    // SAFETY: `fds` is a valid two-element array for pipe(2) to fill.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0, "pipe(2) failed");
    // SAFETY: pipe(2) returned two fresh descriptors that nothing else owns.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

impl Browser {
    pub fn launch(binary: &std::path::Path) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let (cmd_read, cmd_write) = pipe();
        let (resp_read, resp_write) = pipe();
        let (cr, rw) = (cmd_read.as_raw_fd(), resp_write.as_raw_fd());
        let mut command = Command::new(binary);
        command
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--disable-extensions",
                "--allow-file-access-from-files",
                "--remote-debugging-pipe",
                "--window-size=1280,900",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SAFETY: only async-signal-safe dup2(2) calls run between fork and exec.
        unsafe {
            command.pre_exec(move || {
                if libc::dup2(cr, 3) < 0 || libc::dup2(rw, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().expect("start chromium");
        drop(cmd_read);
        drop(resp_write);
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(std::fs::File::from(resp_read));
            let mut buf = Vec::new();
            while reader.read_until(0, &mut buf).is_ok_and(|n| n > 0) {
                buf.pop();
                if let Ok(v) = serde_json::from_slice::<Value>(&buf)
                    && tx.send(v).is_err()
                {
                    break;
                }
                buf.clear();
            }
        });
        Browser {
            child,
            writer: std::fs::File::from(cmd_write),
            incoming: rx,
            next_id: 0,
            events: Arc::new(Mutex::new(Vec::new())),
            _profile: profile,
        }
    }

    pub fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.try_call(session, method, params).unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    /// [`Browser::call`], with the protocol's error as a value.
    pub fn try_call(&mut self, session: Option<&str>, method: &str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.writer.write_all(&bytes).expect("write to chromium");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(v) if v["id"] == json!(id) => {
                    if let Some(e) = v.get("error") {
                        return Err(e.clone());
                    }
                    return Ok(v["result"].clone());
                }
                Ok(v) => self.events.lock().unwrap().push(v),
                Err(RecvTimeoutError::Timeout) => panic!("{method}: no answer from chromium in 30 s"),
                Err(RecvTimeoutError::Disconnected) => panic!("{method}: chromium went away"),
            }
        }
    }

    /// A new tab with network, page and runtime events on.
    pub fn page(&mut self) -> Page<'_> {
        let target = self.call(None, "Target.createTarget", json!({ "url": "about:blank" }));
        let attached =
            self.call(None, "Target.attachToTarget", json!({ "targetId": target["targetId"], "flatten": true }));
        let session = attached["sessionId"].as_str().unwrap().to_string();
        for domain in ["Network.enable", "Page.enable", "Runtime.enable"] {
            self.call(Some(&session), domain, json!({}));
        }
        Page { browser: self, session }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Page<'_> {
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let s = self.session.clone();
        self.browser.call(Some(&s), method, params)
    }

    /// Evaluates `expr` (awaiting a promise) and returns its JSON value.
    pub fn eval(&mut self, expr: &str) -> Value {
        let r =
            self.call("Runtime.evaluate", json!({ "expression": expr, "awaitPromise": true, "returnByValue": true }));
        if let Some(e) = r.get("exceptionDetails") {
            panic!("script failed: {expr}\n{e}");
        }
        r["result"]["value"].clone()
    }

    /// Polls `expr` until it is truthy (10 s at most).
    pub fn wait_for(&mut self, expr: &str) -> Value {
        self.wait_until(expr, Duration::from_secs(10)).unwrap_or_else(|| panic!("timed out waiting for: {expr}"))
    }

    /// The first truthy value of `expr` within `limit`, or `None` when it never
    /// came: for tests whose claim is the time itself.
    pub fn wait_until(&mut self, expr: &str, limit: Duration) -> Option<Value> {
        let deadline = Instant::now() + limit;
        // Exceptions (a page mid-reload has no body yet) count as "not yet", and
        // so does a page that navigates (reloads) while the expression runs.
        let guarded = format!("(() => {{ try {{ return ({expr}); }} catch (e) {{ return null; }} }})()");
        let params = json!({ "expression": guarded, "awaitPromise": true, "returnByValue": true });
        loop {
            let s = self.session.clone();
            let v = match self.browser.try_call(Some(&s), "Runtime.evaluate", params.clone()) {
                Ok(r) => r["result"]["value"].clone(),
                Err(_) => Value::Null,
            };
            if !(v.is_null() || v == json!(false) || v == json!("") || v == json!(0)) {
                return Some(v);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn goto(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
        self.wait_for("document.readyState === 'complete' && location.href !== 'about:blank'");
    }

    /// Types text as an IME would (one `input` event).
    pub fn type_text(&mut self, text: &str) {
        self.call("Input.insertText", json!({ "text": text }));
    }

    /// Presses a key: `s`, `/`, `ArrowDown`, `ArrowUp`, `Enter`, `Escape`.
    pub fn press(&mut self, key: &str) {
        let (code, vk, text) = match key {
            "ArrowDown" => ("ArrowDown", 40, ""),
            "ArrowUp" => ("ArrowUp", 38, ""),
            "Enter" => ("Enter", 13, "\r"),
            "Escape" => ("Escape", 27, ""),
            "/" => ("Slash", 191, "/"),
            "s" => ("KeyS", 83, "s"),
            " " => ("Space", 32, " "),
            other => panic!("no key {other}"),
        };
        let mut down = json!({ "type": "keyDown", "key": key, "code": code, "windowsVirtualKeyCode": vk });
        if !text.is_empty() {
            down["text"] = json!(text);
        }
        self.call("Input.dispatchKeyEvent", down);
        self.call(
            "Input.dispatchKeyEvent",
            json!({ "type": "keyUp", "key": key, "code": code, "windowsVirtualKeyCode": vk }),
        );
    }

    /// Every URL this page has requested so far.
    pub fn requests(&self) -> Vec<String> {
        self.browser
            .events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent" && e["sessionId"] == json!(self.session))
            .filter_map(|e| e["params"]["request"]["url"].as_str().map(str::to_string))
            .collect()
    }

    /// Every JavaScript dialog (alert, confirm, prompt) this page opened.
    pub fn dialogs(&self) -> usize {
        self.browser
            .events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e["method"] == "Page.javascriptDialogOpening" && e["sessionId"] == json!(self.session))
            .count()
    }

    pub fn screenshot(&mut self, path: &std::path::Path) {
        let r = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        let data = r["data"].as_str().unwrap();
        use base64::Engine;
        std::fs::write(path, base64::engine::general_purpose::STANDARD.decode(data).unwrap()).unwrap();
    }
}
