//! What a person sees on a terminal and what a pipe gets: in config mode, a progress line a
//! source on a terminal (a pseudo-terminal made by Python's `pty` module), and none of it
//! when standard error is a pipe, where every line stays one JSON object.

use std::path::{Path, PathBuf};
use std::process::Command;

const CONFIG: &str = r#"
[budget]
requests = 20
per = "1s"

[defaults]
per_page = 50

[[source]]
name = "acct"
log = "account"
account = "023e105f4ecef8ad9ca31a8372d0c353"
out = "acct.jsonl"

[[source]]
name = "zonelog"
log = "insights"
zone = "9a7806061c88ada191ed06f989cc3dac"
out = "zonelog.jsonl"
"#;

/// Runs the command in `dir` on a pseudo-terminal of 120 columns; everything it wrote.
const ON_A_TERMINAL: &str = r#"
import fcntl, os, pty, struct, sys, termios
pid, fd = pty.fork()
if pid == 0:
    os.chdir(sys.argv[1])
    os.execv(sys.argv[2], sys.argv[2:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
out = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
"#;

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cf-audit-terminal-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("fleet.toml"), CONFIG).unwrap();
    dir
}

const ARGS: [&str; 4] = ["--config", "fleet.toml", "--demo", "--once"];

fn on_a_terminal(dir: &Path) -> String {
    let python = crate::python::python();
    let output = Command::new(python)
        .args(["-c", ON_A_TERMINAL])
        .arg(dir)
        .arg(env!("CARGO_BIN_EXE_cloudflare-audit-export"))
        .args(ARGS)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_config_run_shows_a_progress_line_a_source_on_a_terminal_and_none_in_a_pipe() {
    let dir = scratch();
    let screen = on_a_terminal(&dir);
    for source in ["acct: ", "zonelog: "] {
        assert!(
            screen
                .lines()
                .any(|l| l.contains(source) && l.contains("pages")),
            "no progress line for {source}: {screen:?}"
        );
    }
    // The demo's deliberate failures are marked as such.
    assert!(screen.contains("simulated by the demo"), "{screen:?}");

    // Again into a pipe (the checkpoints say everything is written: the sources still run).
    let piped = Command::new(env!("CARGO_BIN_EXE_cloudflare-audit-export"))
        .args(ARGS)
        .current_dir(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&piped.stderr);
    assert!(piped.status.success(), "{stderr}");
    assert!(
        !stderr.contains("pages,") && !stderr.contains('\r'),
        "{stderr}"
    );
    for line in stderr.lines() {
        assert!(
            serde_json::from_str::<serde_json::Value>(line).is_ok(),
            "not one JSON object: {line}"
        );
    }
}
