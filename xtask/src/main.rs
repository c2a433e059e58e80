//! `cargo xtask`: the lab's set-up, build and test commands.
//!
//! Every command first installs what is missing (and skips what is present):
//! the wasm32 target, trunk, wasm-bindgen-cli at the Cargo.lock version,
//! wasm-opt (npm `binaryen`), and, for tests, Chromium and chromedriver.
//! trunk is always run offline and only ever uses those installed tools.

mod sw;

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

const TRUNK_VERSION: &str = "0.21.14";
/// wasm-opt from npm `binaryen@132.0.0` (pinned in tests/package-lock.json).
/// Debian's binaryen 108 produces a wasm that fails at run time.
const WASM_OPT_VERSION: &str = "version_132";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

type Result<T = ()> = std::result::Result<T, String>;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  serve [--port N]   build the lab and serve it on http://127.0.0.1:8080 (rebuilds on change)
  dist               write the static site to dist/ (relative URLs, host it anywhere)
  test               run every test: native, wasm (headless Chromium), end-to-end
  setup              only install the tools the other commands need
  postprocess [DIR]  finish a built site (service worker list and version); trunk's
                     post-build hook runs it on its staging folder
  bench [OPTIONS]    run the benchmarks: criterion (native), then in headless Chromium
                     the #/bench page (wasm against native), frame times and the first
                     load with Lighthouse (builds dist/ if missing; OPTIONS go to
                     tests/bench/run.mjs, e.g. --rounds 100); figures go in BENCHMARKS.md
  soak [OPTIONS]     the Stream Lab at 1 simulated hour per second for 10 minutes, memory
                     sampled (OPTIONS go to tests/bench/soak.mjs, e.g. --minutes 2)
  fuzz [--cases N]   run the fuzz targets (core/tests/fuzz.rs, app/tests/fuzz.rs) long, in
                     release, N cases per target (default 100000; `cargo test` runs a smoke run)
";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("dist") => setup(false).and_then(|_| dist(false)),
        Some("test") => test(),
        Some("setup") => setup(true),
        Some("bench") => bench(&args[1..]),
        Some("soak") => soak(&args[1..]),
        Some("postprocess") => postprocess(&args[1..]),
        Some("fuzz") => fuzz(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_owned()
}

fn cargo_bin_dir() -> PathBuf {
    env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env::var_os("HOME").unwrap_or_default()).join(".cargo"))
        .join("bin")
}

/// PATH with cargo's bin folder and the npm tools (wasm-opt) in front, so
/// trunk finds exactly the tools installed here.
fn tool_path() -> OsString {
    let mut dirs = vec![root().join("tests/node_modules/.bin"), cargo_bin_dir()];
    dirs.extend(env::split_paths(&env::var_os("PATH").unwrap_or_default()));
    env::join_paths(dirs).expect("paths without separators")
}

fn cmd(program: &str) -> Command {
    let mut c = Command::new(program);
    c.env("PATH", tool_path()).current_dir(root());
    c
}

fn run(c: &mut Command) -> Result {
    let shown = std::iter::once(c.get_program())
        .chain(c.get_args())
        .map(|a| a.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ");
    eprintln!("xtask: $ {shown}");
    let status = c
        .status()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed with {status}"))
    }
}

/// The first line a tool prints for `--version`, or None if it is missing.
fn version_of(program: &str) -> Option<String> {
    let out = cmd(program).arg("--version").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The version of `package` recorded in Cargo.lock.
fn lock_version(package: &str) -> Result<String> {
    let lock =
        fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock
        .find(&needle)
        .ok_or(format!("{package} is not in Cargo.lock"))?
        + needle.len();
    Ok(lock[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

fn setup(browser: bool) -> Result {
    let t = Instant::now();
    // The wasm32 target.
    let targets = cmd("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup: {e}"))?;
    if !String::from_utf8_lossy(&targets.stdout)
        .lines()
        .any(|l| l == "wasm32-unknown-unknown")
    {
        run(cmd("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    // trunk, pinned (0.22 needs a newer rustc than this machine has).
    if !version_of("trunk").is_some_and(|v| v == format!("trunk {TRUNK_VERSION}")) {
        run(cmd("cargo").args(["install", "--locked", "trunk", "--version", TRUNK_VERSION]))?;
    }
    // wasm-bindgen-cli at exactly the Cargo.lock version. Not --locked: its
    // lockfile pins a yanked crate that no longer resolves.
    if !root().join("Cargo.lock").exists() {
        run(cmd("cargo").arg("generate-lockfile"))?;
    }
    let wb = lock_version("wasm-bindgen")?;
    if !version_of("wasm-bindgen").is_some_and(|v| v == format!("wasm-bindgen {wb}")) {
        run(cmd("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &format!("={wb}"),
        ]))?;
    }
    // npm packages: wasm-opt (binaryen) and the browser-test libraries.
    let tests = root().join("tests");
    let stamp = tests.join("node_modules/.package-lock.json");
    let fresh = match (
        fs::metadata(&stamp),
        fs::metadata(tests.join("package-lock.json")),
    ) {
        (Ok(s), Ok(l)) => s.modified().ok() >= l.modified().ok(),
        _ => false,
    };
    if !fresh {
        run(cmd("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&tests))?;
    }
    if !version_of("wasm-opt").is_some_and(|v| v.contains(&format!("({WASM_OPT_VERSION})"))) {
        return Err(format!(
            "wasm-opt {WASM_OPT_VERSION} not found after npm ci in tests/"
        ));
    }
    if browser {
        ensure_chromium()?;
    }
    eprintln!("xtask: tools ready ({:.0} s)", t.elapsed().as_secs_f64());
    Ok(())
}

fn ensure_chromium() -> Result {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    if !is_root() {
        return Err(format!(
            "the browser tests need Debian's Chromium and ChromeDriver ({CHROMIUM}, {CHROMEDRIVER}).\n\
             Install them with: sudo apt-get install -y chromium chromium-driver"
        ));
    }
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get").args([
        "install",
        "-y",
        "--no-install-recommends",
        "chromium",
        "chromium-driver",
    ]))
}

/// Environment for trunk: the required tool versions, so it uses the
/// installed ones and never downloads.
fn trunk(sub: &str) -> Result<Command> {
    let mut c = cmd("trunk");
    c.arg(sub)
        .env("TRUNK_TOOLS_WASM_BINDGEN", lock_version("wasm-bindgen")?)
        .env("TRUNK_TOOLS_WASM_OPT", WASM_OPT_VERSION)
        .env("CARGO_NET_OFFLINE", "true");
    Ok(c)
}

/// Builds the static site into dist/. With `no_network`, trunk runs in a
/// network namespace with no interfaces (Linux, root), which proves it
/// downloads nothing.
fn dist(no_network: bool) -> Result {
    // Fetch crates first (this one may use the network), then build offline.
    run(cmd("cargo").args(["fetch", "--quiet"]))?;
    let mut c = trunk("build")?;
    c.args([
        "--release",
        "--offline",
        "--public-url",
        "./",
        "--dist",
        "dist",
    ]);
    let built = if no_network {
        let mut wrapped = cmd("unshare");
        wrapped
            .arg("--net")
            .arg("--")
            .arg(c.get_program())
            .args(c.get_args());
        for (k, v) in c.get_envs() {
            if let Some(v) = v {
                wrapped.env(k, v);
            }
        }
        run(&mut wrapped)
    } else {
        run(&mut c)
    };
    // The hook did this already; doing it again is a no-op, and it covers a
    // trunk run whose hook could not start.
    built.and_then(|_| sw::service_worker(&root().join("dist")))
}

/// trunk's post-build hook (`.trunk.toml`): finishes the staged site in
/// `$TRUNK_STAGING_DIR` (or the folder given) before trunk moves it to dist/,
/// so `trunk serve` gets it too. Today that is the service worker's file
/// list and version.
fn postprocess(args: &[String]) -> Result {
    let dir = match args {
        [dir] => PathBuf::from(dir),
        [] => env::var_os("TRUNK_STAGING_DIR")
            .map(PathBuf::from)
            .ok_or("postprocess: give the site's folder, or run it as trunk's hook (TRUNK_STAGING_DIR)")?,
        _ => return Err(format!("postprocess takes one folder\n\n{USAGE}")),
    };
    sw::service_worker(&dir)
}

fn serve(args: &[String]) -> Result {
    let port = match args {
        [] => "8080".to_owned(),
        [flag, p] if flag == "--port" && p.parse::<u16>().is_ok() => p.clone(),
        _ => return Err(format!("serve takes only --port N\n\n{USAGE}")),
    };
    setup(false)?;
    run(cmd("cargo").args(["fetch", "--quiet"]))?;
    eprintln!("xtask: serving Kinesis Lab on http://127.0.0.1:{port}/ (Ctrl-C to stop)");
    run(trunk("serve")?.args([
        "--release",
        "--offline",
        "--address",
        "127.0.0.1",
        "--port",
        &port,
    ]))
}

fn test() -> Result {
    let t = Instant::now();
    setup(true)?;
    // 1. Native tests of every crate (core, cli, app's pure modules, xtask).
    run(cmd("cargo").args(["test", "--workspace", "--all-targets"]))?;
    let cli = root().join("target/debug/kinesis-lab");

    // 2. The core in wasm32, in headless Chromium, against the native CLI.
    let fixture = root().join("target/parity/expected.jsonl");
    write_parity_fixture(&cli, &fixture)?;
    run(cmd("cargo")
        .args([
            "test",
            "-p",
            "kinesis-lab-app",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            "wasm_parity",
        ])
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env("KINESIS_LAB_PARITY_FIXTURE", &fixture))?;

    // 3. The static site, built with no network at all where we can.
    let isolate = is_root()
        && Command::new("unshare")
            .args(["--net", "true"])
            .status()
            .is_ok_and(|s| s.success());
    if !isolate {
        eprintln!("xtask: note: cannot create a network namespace here; building dist/ with --offline only");
    }
    dist(isolate)?;

    // The pinned AWS CLI and boto3, for the endpoint tests (4 and 5).
    let venv = python_venv()?;

    // 4. End-to-end in headless Chromium, served from a sub-path.
    let out = root().join("tests/output");
    // Chromium leaves folders in TMPDIR: give it one of its own.
    let tmp = env::temp_dir().join("kinesis-lab-e2e");
    for dir in [&out, &tmp] {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    run(cmd("npm")
        .args(["run", "--silent", "e2e"])
        .current_dir(root().join("tests"))
        .env("KINESIS_LAB_DIST", root().join("dist"))
        .env("KINESIS_LAB_CLI", &cli)
        .env("KINESIS_LAB_OUTPUT", &out)
        .env("CHROMIUM", CHROMIUM)
        .env("KINESIS_LAB_AWS", venv.join("bin/aws"))
        .env("TMPDIR", &tmp))?;

    // 5. The real AWS CLI and boto3 against `kinesis-lab serve`.
    endpoint_test(&cli, &venv)?;
    // 6. The KPL aggregated-record format against AWS's aws_kinesis_agg.
    run(cmd(&venv.join("bin/python").to_string_lossy())
        .arg(root().join("tests/endpoint/test_kpl_interop.py"))
        .env("KINESIS_LAB_CLI", &cli))?;
    // 7. Firehose Parquet (the CLI's and core's fixture) read back by pyarrow.
    run(cmd("cargo").args([
        "test",
        "-p",
        "kinesis-lab-core",
        "--features",
        "parquet",
        "--test",
        "firehose_codec",
    ]))?;
    run(cmd(&venv.join("bin/python").to_string_lossy())
        .arg(root().join("tests/endpoint/test_firehose_parquet.py"))
        .env("KINESIS_LAB_CLI", &cli))?;
    eprintln!(
        "xtask: all tests passed in {:.0} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Native criterion benchmarks, then the browser measurements in headless
/// Chromium against dist/ (built first if missing): tests/bench/run.mjs (the
/// `#/bench` page: the same workloads in wasm, with their ratio to native),
/// frames.mjs (frame times) and firstload.mjs (bytes, times, Lighthouse).
/// Not part of `test`: a timed run is a measurement, not a check. Options
/// after the command go to run.mjs.
fn bench(browser_args: &[String]) -> Result {
    // The engine, SQL, Firehose (GZIP and Parquet) and scale workloads.
    run(cmd("cargo").args([
        "bench",
        "-p",
        "kinesis-lab-core",
        "--features",
        "parquet",
    ]))?;
    setup(true)?;
    if root().join("dist/index.html").exists() {
        eprintln!("xtask: benchmarking the existing dist/ (`cargo xtask dist` rebuilds it)");
    } else {
        dist(false)?;
    }
    browser_script("run.mjs", browser_args)?;
    browser_script("frames.mjs", &[])?;
    browser_script("firstload.mjs", &[])
}

/// The Stream Lab at an hour of simulated time per second for 10 minutes,
/// memory sampled (tests/bench/soak.mjs; options go to it, e.g. --minutes 2).
fn soak(args: &[String]) -> Result {
    setup(true)?;
    if !root().join("dist/index.html").exists() {
        dist(false)?;
    }
    browser_script("soak.mjs", args)
}

/// Runs one of tests/bench/*.mjs against dist/ in headless Chromium.
fn browser_script(script: &str, args: &[String]) -> Result {
    let out = root().join("tests/output");
    let tmp = env::temp_dir().join("kinesis-lab-bench");
    for dir in [&out, &tmp] {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    run(cmd("node")
        .arg(root().join("tests/bench").join(script))
        .args(args)
        .current_dir(root())
        .env("KINESIS_LAB_DIST", root().join("dist"))
        .env("KINESIS_LAB_OUTPUT", &out)
        .env("CHROMIUM", CHROMIUM)
        .env("CHROME_PATH", CHROMIUM)
        .env("TMPDIR", &tmp))
}

/// The fuzz targets with `FUZZ_CASES` cases each, in release (one test
/// thread, so each target's time reads plainly).
fn fuzz(args: &[String]) -> Result {
    let cases = match args {
        [] => 100_000,
        [flag, n] if flag == "--cases" => n
            .parse::<u64>()
            .map_err(|_| format!("--cases takes a whole number, not {n:?}"))?,
        _ => return Err(format!("usage: cargo xtask fuzz [--cases N]\n\n{USAGE}")),
    };
    for package in ["kinesis-lab-core", "kinesis-lab-app"] {
        let started = Instant::now();
        run(cmd("cargo")
            .args(["test", "--release", "-p", package, "--test", "fuzz", "--"])
            .arg("--test-threads=1")
            .env("FUZZ_CASES", cases.to_string()))?;
        eprintln!(
            "xtask: {package} fuzz targets, {cases} cases each: {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// A virtualenv with the pinned awscli and boto3 (tests/endpoint/requirements.txt).
fn python_venv() -> Result<PathBuf> {
    let venv = root().join("target/endpoint-venv");
    let requirements = root().join("tests/endpoint/requirements.txt");
    let wanted = fs::read_to_string(&requirements)
        .map_err(|e| format!("{}: {e}", requirements.display()))?;
    let stamp = venv.join("installed-requirements.txt");
    if fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str()) {
        run(cmd("python3").args(["-m", "venv", "--clear"]).arg(&venv))?;
        run(cmd(&venv.join("bin/pip").to_string_lossy())
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements))?;
        fs::write(&stamp, wanted).map_err(|e| e.to_string())?;
    }
    Ok(venv)
}

fn endpoint_test(cli: &Path, venv: &Path) -> Result {
    // Let the OS pick a free port, then hand it to the server.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let mut server = Command::new(cli)
        .args(["serve", "--port", &port.to_string()])
        .spawn()
        .map_err(|e| format!("{}: {e}", cli.display()))?;
    let up = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    let result = if up {
        run(cmd(&venv.join("bin/python").to_string_lossy())
            .arg(root().join("tests/endpoint/test_endpoint.py"))
            .env("KINESIS_LAB_ENDPOINT", format!("http://127.0.0.1:{port}"))
            .env("KINESIS_LAB_AWS", venv.join("bin/aws")))
    } else {
        Err("kinesis-lab serve did not start listening".into())
    };
    let _ = server.kill();
    let _ = server.wait();
    result
}

/// Routes a fixed key set with the native CLI; the wasm test must agree.
fn write_parity_fixture(cli: &Path, fixture: &Path) -> Result {
    let keys: Vec<String> = ["user-123", "mobile", "web", "tablet", "Xin chào", "🦀", "a"]
        .iter()
        .map(|s| s.to_string())
        .chain((0..200).map(|i| format!("key-{i}")))
        .collect();
    let mut lines = String::new();
    for shards in [1u32, 3, 7, 64] {
        let out = Command::new(cli)
            .args(["route", "--shards", &shards.to_string(), "--"])
            .args(&keys)
            .output()
            .map_err(|e| format!("{}: {e}", cli.display()))?;
        if !out.status.success() {
            return Err(format!(
                "kinesis-lab route failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            lines.push_str(&format!("{shards}\t{line}\n"));
        }
    }
    fs::create_dir_all(fixture.parent().expect("has a parent")).map_err(|e| e.to_string())?;
    fs::write(fixture, lines).map_err(|e| format!("{}: {e}", fixture.display()))
}
