//! `report.html` opened in a real browser: headless Chromium loads it without console
//! errors, its inline script runs (the event-log filter fills in its counter), and it
//! renders at laptop and phone sizes. Where Chromium is not installed (`.ci/run` installs
//! Debian's `chromium` when it can), the test says so and checks the page structurally.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::binary::{root, run_to};

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|p| p.join(name))
                    .find(|p| p.is_file())
            })
        })
}

/// Flags a root-run, offline, reproducible headless Chromium needs here.
fn headless(browser: &Path, profile: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
    ]);
    c.arg(format!("--user-data-dir={}", profile.display()));
    c
}

fn fresh_report() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    run_to("scenarios/teaching/node-loss.yaml", dir.path(), &[]);
    let page = dir.path().join("report.html");
    assert!(page.is_file());
    (dir, page)
}

/// Console messages Chromium logged for the page. The report logs nothing, so any
/// message — an uncaught exception, a failed load, a `console.error` — is a defect.
fn console_errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect()
}

#[test]
fn report_page_loads_without_console_errors_and_its_script_runs() {
    let (dir, page) = fresh_report();
    let Some(browser) = chromium() else {
        eprintln!("chromium is not installed: checking report.html structurally only");
        structural_check(&std::fs::read_to_string(&page).unwrap());
        return;
    };
    let url = format!("file://{}", page.display());
    let profile = dir.path().join("profile");
    let out = headless(&browser, &profile)
        .args(["--dump-dom", &url])
        .output()
        .expect("chromium runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "chromium failed: {stderr}");
    assert!(
        console_errors(&stderr).is_empty(),
        "console errors: {stderr}"
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    // The inline script filled in the filter's counter: it ran to the end.
    assert!(
        dom.contains("listed events shown"),
        "the event-log script did not run: {}",
        &dom[..dom.len().min(2000)]
    );
    for size in ["1280,900", "390,844"] {
        let shot = dir
            .path()
            .join(format!("shot-{}.png", size.replace(',', "x")));
        let out = headless(&browser, &profile)
            .arg(format!("--screenshot={}", shot.display()))
            .arg(format!("--window-size={size}"))
            .arg(&url)
            .output()
            .expect("chromium runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "chromium failed: {stderr}");
        assert!(
            console_errors(&stderr).is_empty(),
            "console errors: {stderr}"
        );
        let png = std::fs::read(&shot).expect("a screenshot was written");
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 10_000,
            "{size}: {} bytes",
            png.len()
        );
    }
}

/// Without a browser: the page is self-contained and its main parts are there.
fn structural_check(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    for part in [
        "id=\"summary\"",
        "id=\"charts\"",
        "id=\"event-log\"",
        "<svg",
        "</html>",
    ] {
        assert!(html.contains(part), "{part}");
    }
    for external in ["src=\"http", "href=\"http", "src=\"//", "@import"] {
        assert!(!html.contains(external), "external reference {external}");
    }
    assert_eq!(
        html.matches("<script").count(),
        html.matches("</script>").count()
    );
}

#[test]
fn committed_report_is_structurally_self_contained() {
    let html =
        std::fs::read_to_string(root().join("reports/examples/backoff-limit-exceeded/report.html"))
            .unwrap();
    structural_check(&html);
}

/// A click on a pod's bar in the timeline shows that pod's causal chain under the chart
/// (the page's own script, driven by a synthetic click at the bar's centre).
#[test]
fn clicking_a_pod_bar_shows_why_it_exists() {
    let dir = tempfile::tempdir().unwrap();
    run_to(
        "scenarios/teaching/backoff-limit-exceeded.yaml",
        dir.path(),
        &[],
    );
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("id=\"pod-why-data\""));
    let Some(browser) = chromium() else {
        eprintln!("chromium is not installed: checking the embedded explanations only");
        assert!(html.contains("created at 42.000 s"));
        return;
    };
    let click = "<script>(function(){\
        var d=JSON.parse(document.getElementById('pod-why-data').textContent);\
        var svg=document.querySelector('#chart-timeline svg'),r=svg.getBoundingClientRect(),b=d.bars[2];\
        svg.dispatchEvent(new MouseEvent('click',{bubbles:true,\
        clientX:r.left+(b[0]+b[2])/2*r.width/d.w,clientY:r.top+(b[1]+b[3])/2*r.height/d.h}));\
        })();</script></body>";
    let page = dir.path().join("clicked.html");
    std::fs::write(&page, html.replacen("</body>", click, 1)).unwrap();
    let out = headless(&browser, &dir.path().join("profile"))
        .arg("--window-size=1280,900")
        .args(["--dump-dom", &format!("file://{}", page.display())])
        .output()
        .expect("chromium runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "chromium failed: {stderr}");
    assert!(
        console_errors(&stderr).is_empty(),
        "console errors: {stderr}"
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    let panel = &dom[dom.find("id=\"pod-why\"").expect("the pod panel")..];
    let panel = &panel[..panel.find("</section>").unwrap()];
    assert!(
        panel.contains(": attempt 3 of Job always-fails") && panel.contains("created at 42.000 s"),
        "{panel}"
    );
}

/// The widths of the page's tables at a window size, measured in Chromium: the ids of the
/// tables wider than the window (a table that scrolls sideways inside its box is fine, the
/// page must not).
fn overflowing_tables(browser: &Path, dir: &Path, page: &Path, size: &str) -> String {
    let html = std::fs::read_to_string(page).unwrap();
    let probe = "<script>document.body.setAttribute('data-overflow',\
        Array.prototype.slice.call(document.querySelectorAll('table')).filter(function(t){\
        return t.getBoundingClientRect().right>document.documentElement.clientWidth+1;})\
        .map(function(t){return t.id||'table';}).join(',')+\
        (document.documentElement.scrollWidth>document.documentElement.clientWidth+1?',page':''));</script>";
    let measured = dir.join(format!("measure-{}.html", size.replace(',', "x")));
    std::fs::write(
        &measured,
        html.replace("</body>", &format!("{probe}</body>")),
    )
    .unwrap();
    let out = headless(browser, &dir.join("profile-measure"))
        .arg(format!("--window-size={size}"))
        .args(["--dump-dom", &format!("file://{}", measured.display())])
        .output()
        .expect("chromium runs");
    assert!(out.status.success());
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    let start = dom.find("data-overflow=\"").expect("the probe ran") + 15;
    let end = dom[start..].find('"').unwrap() + start;
    dom[start..end].to_string()
}

#[test]
fn report_tables_fit_a_laptop_and_a_phone_without_sideways_scrolling() {
    let Some(browser) = chromium() else {
        eprintln!("chromium is not installed: the table widths are not measured");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    run_to("scenarios/teaching/cronjob-forbid.yaml", dir.path(), &[]);
    let page = dir.path().join("report.html");
    for size in ["1280,900", "390,844"] {
        let wide = overflowing_tables(&browser, dir.path(), &page, size);
        // The event log keeps its columns and scrolls inside its own box on a phone.
        let wide: Vec<&str> = wide
            .split(',')
            .filter(|t| !t.is_empty() && *t != "event-log")
            .collect();
        assert!(wide.is_empty(), "{size}: wider than the window: {wide:?}");
    }
}
